import { unreachable } from "../http-outcome";
import { stringAt } from "../json-body";
import { downloadFile } from "../media-download";
import type { MediaDownload, MediaSource } from "../provider";
import { redact } from "../secret-redaction";
import { callBotApi, DEFAULT_BASE_URL, tokenSecrets } from "./bot-api";
import type { TelegramConfig } from "./config";
import { TELEGRAM_FILE_PREFIX } from "./update";

/**
 * A Telegram file, named `telegram-file:<file_id>` by the update: `getFile` gives its path, then
 * `{baseUrl}/file/bot{token}/{path}` serves it (a bot may download files up to 20 MB). The token
 * is in both URLs, so every message that leaves here is redacted.
 */
export const telegramMedia: MediaSource<TelegramConfig> = {
  async download(source, config, context) {
    const result = await downloadTelegramFile(source, config, context);
    return result.kind === "failed" ? { ...result, message: redact(result.message, tokenSecrets(config)) } : result;
  },
};

async function downloadTelegramFile(
  source: string,
  config: TelegramConfig,
  { outbound, signal }: { outbound: Parameters<typeof downloadFile>[0]["outbound"]; signal: AbortSignal },
): Promise<MediaDownload> {
  if (!source.startsWith(TELEGRAM_FILE_PREFIX)) return { kind: "failed", permanent: true, message: "not a Telegram file" };
  let filePath: string | undefined;
  try {
    const answer = await callBotApi(config, "getFile", { file_id: source.slice(TELEGRAM_FILE_PREFIX.length) }, signal);
    if (!answer.ok) {
      const permanent = answer.status === 400 || answer.status === 403 || answer.status === 404;
      return { kind: "failed", permanent, message: answer.description ?? `Telegram answered getFile with ${answer.status}` };
    }
    filePath = stringAt(answer.result, "file_path");
  } catch (error) {
    return { kind: "failed", permanent: false, message: unreachable(error, signal).message };
  }
  if (!filePath) return { kind: "failed", permanent: true, message: "Telegram gave no file_path (the file may be over 20 MB)" };
  const base = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const path = filePath.split("/").map(encodeURIComponent).join("/");
  return downloadFile({ url: `${base}/file/bot${config.botToken}/${path}`, outbound, signal, authorizationFor: () => undefined });
}
