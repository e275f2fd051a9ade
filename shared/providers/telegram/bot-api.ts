import { numberAt, readJson, stringAt } from "../json-body";
import { redact } from "../secret-redaction";
import type { TelegramConfig } from "./config";

export const DEFAULT_BASE_URL = "https://api.telegram.org";

/** The Bot API's answer: `ok` with a `result`, or an `error_code` and `description` (and sometimes `retry_after`). */
export type BotAnswer =
  | { ok: true; status: number; result: unknown }
  | { ok: false; status: number; errorCode?: number; description?: string; retryAfter?: number };

/** `{baseUrl}/bot{token}/{method}`: the token is in the path, so the URL is as secret as the token. */
export function botMethodUrl(config: TelegramConfig, method: string): string {
  return `${(config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")}/bot${config.botToken}/${method}`;
}

/** Calls one Bot API method with a JSON body (Telegram takes every method as POST). Network errors throw. */
export async function callBotApi(config: TelegramConfig, method: string, body: unknown, signal: AbortSignal): Promise<BotAnswer> {
  const response = await fetch(botMethodUrl(config, method), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    signal,
    redirect: "manual",
  });
  const json = await readJson(response);
  const ok = typeof json === "object" && json !== null && (json as { ok?: unknown }).ok === true;
  if (ok && response.status === 200) return { ok: true, status: response.status, result: (json as { result?: unknown }).result };
  const parameters = typeof json === "object" && json !== null ? (json as { parameters?: unknown }).parameters : undefined;
  return {
    ok: false,
    status: response.status,
    errorCode: numberAt(json, "error_code"),
    // Redacted here, before any code is derived from it: a proxy may echo the URL, token included.
    description: redactedDescription(stringAt(json, "description"), config),
    retryAfter: numberAt(parameters, "retry_after"),
  };
}

function redactedDescription(description: string | undefined, config: TelegramConfig): string | undefined {
  return description === undefined ? undefined : redact(description, tokenSecrets(config));
}

/** The whole token and its secret part: either may be echoed back. */
export function tokenSecrets(config: TelegramConfig): string[] {
  return [config.botToken, config.botToken.slice(config.botToken.indexOf(":") + 1)];
}

/** "Bad Request: chat not found" → "chat_not_found": a stable code for events and dead letters. */
export function errorCodeOf(answer: Extract<BotAnswer, { ok: false }>): string {
  const detail = answer.description?.replace(/^[^:]*:\s*/, "") ?? "";
  const slug = detail
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64);
  return slug || `http_${answer.status}`;
}
