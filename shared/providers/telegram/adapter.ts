import { credentialsRefused, unexpectedAnswer, unreachableCheck } from "../check-result";
import { isProviderFaultStatus, rejected, unavailable, unreachable } from "../http-outcome";
import { numberAt, stringAt } from "../json-body";
import type { CheckResult, OutboundMessage, Provider, SendOutcome } from "../provider";
import { withoutSecrets } from "../secret-redaction";
import { type BotAnswer, callBotApi, errorCodeOf, tokenSecrets } from "./bot-api";
import type { TelegramConfig } from "./config";

/**
 * Telegram's Bot API `sendMessage`: `to` is the chat, `content.thread` the forum topic
 * (`message_thread_id`). Telegram takes no idempotency key and cannot list what a bot sent, so a
 * send lost in a crash cannot be looked up (see README, "Where duplicates can still happen").
 */
export class TelegramAdapter implements Provider {
  readonly type = "telegram" as const;

  constructor(
    readonly id: string,
    private readonly config: TelegramConfig,
  ) {}

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    return withoutSecrets(await this.attemptSend(message, signal), tokenSecrets(this.config));
  }

  async check(signal: AbortSignal): Promise<CheckResult> {
    return withoutSecrets(await this.attemptCheck(signal), tokenSecrets(this.config));
  }

  private async attemptSend(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    const { text, thread } = message.content;
    if (!text) return rejected("missing_text", "a Telegram message needs content.text");
    const body: Record<string, unknown> = { chat_id: chatIdOf(message.to), text };
    if (thread) body.message_thread_id = Number(thread);
    try {
      const answer = await callBotApi(this.config, "sendMessage", body, signal);
      if (!answer.ok) return classify(answer);
      const messageId = numberAt(answer.result, "message_id");
      const chat = typeof answer.result === "object" && answer.result !== null ? (answer.result as { chat?: unknown }).chat : undefined;
      if (messageId === undefined) return unavailable("unexpected_response", "Telegram answered ok without a message_id");
      return { kind: "sent", providerMessageId: `${numberAt(chat, "id") ?? message.to}:${messageId}` };
    } catch (error) {
      return unreachable(error, signal);
    }
  }

  private async attemptCheck(signal: AbortSignal): Promise<CheckResult> {
    try {
      const answer = await callBotApi(this.config, "getMe", {}, signal);
      // Telegram answers an unknown token 401, and a malformed one 404.
      if (!answer.ok && (answer.status === 401 || answer.status === 404) && answer.errorCode !== undefined)
        return credentialsRefused(answer.status, "Telegram");
      const username = answer.ok ? stringAt(answer.result, "username") : undefined;
      if (!answer.ok || !username) return unexpectedAnswer(answer.status, "Telegram Bot");
      return { ok: true, message: `reachable: the bot @${username} accepts the token` };
    } catch (error) {
      return unreachableCheck(signal, error);
    }
  }
}

/** A numeric chat id goes as a number (Telegram's ids fit 52 bits); `@channel` as the string. */
function chatIdOf(to: string): number | string {
  const id = Number(to);
  return /^-?\d+$/.test(to) && Number.isSafeInteger(id) ? id : to;
}

/**
 * 429 (with `retry_after`), 5xx and a refused token (401, or 404 for a malformed one) blame the
 * provider; 400 and 403 ("chat not found", "bot was blocked by the user", "message is too long")
 * blame the recipient or the content.
 */
function classify(answer: Extract<BotAnswer, { ok: false }>): SendOutcome {
  const code = errorCodeOf(answer);
  const message = answer.description ?? `Telegram answered ${answer.status}`;
  if (answer.status === 429) return unavailable(code, message, answer.retryAfter);
  if (answer.status === 400 || answer.status === 403) return rejected(code, message);
  if (isProviderFaultStatus(answer.status) || answer.status === 404) return unavailable(code, message);
  return rejected(code, message);
}
