import { credentialsRefused, unexpectedAnswer, unreachableCheck } from "../check-result";
import { rejected, unavailable, unreachable } from "../http-outcome";
import { stringAt } from "../json-body";
import type { CheckResult, EarlierSends, OutboundMessage, Provider, SendOutcome } from "../provider";
import { withoutSecrets } from "../secret-redaction";
import type { SlackConfig } from "./config";
import { getSlack, postSlack, type SlackAnswer } from "./web-api";

/** The recipient or the content is at fault: another provider (or a retry) would fail the same way. */
const RECIPIENT_AT_FAULT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "msg_too_long",
  "no_text",
  "cannot_reply_to_message",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_thread_only_channel",
  "restricted_action_non_threadable_channel",
  "thread_not_found",
  "user_not_found",
]);

/** Answers that mean the token itself is refused. */
const AUTH_REFUSED = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"]);

/** Marks each post with Relay's message id (Slack message metadata), so a lost send can be found again. */
export const RELAY_EVENT_TYPE = "relay_message";
/** How far before the message's acceptance a lookup starts: Slack's clock is not ours. */
const LOOKUP_SKEW_SECONDS = 300;
const LOOKUP_PAGE_SIZE = 200;
const LOOKUP_MAX_PAGES = 5;

/**
 * Slack's `chat.postMessage` with the bot token: `to` is the channel, `content.thread` the
 * parent's `thread_ts`. Slack takes no idempotency key, but each post carries Relay's message
 * id as message metadata, so `findSent` can tell exactly whether a send lost in a crash went out.
 */
export class SlackAdapter implements Provider {
  readonly type = "slack" as const;

  constructor(
    readonly id: string,
    private readonly config: SlackConfig,
  ) {}

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    return withoutSecrets(await this.attemptSend(message, signal), [this.config.botToken, this.config.signingSecret]);
  }

  async check(signal: AbortSignal): Promise<CheckResult> {
    return withoutSecrets(await this.attemptCheck(signal), [this.config.botToken, this.config.signingSecret]);
  }

  /** The channel's (or thread's) messages since the send may have gone out, matched on the metadata's message id. */
  async findSent(message: OutboundMessage, since: Date, signal: AbortSignal): Promise<EarlierSends> {
    const { thread } = message.content;
    const oldest = (since.getTime() / 1000 - LOOKUP_SKEW_SECONDS).toFixed(6);
    const query = new URLSearchParams({ channel: message.to, oldest, include_all_metadata: "true", limit: String(LOOKUP_PAGE_SIZE) });
    if (thread) query.set("ts", thread);
    const ids: string[] = [];
    try {
      for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
        const answer = await getSlack(this.config, thread ? "conversations.replies" : "conversations.history", query, signal);
        if (!answer.ok) return cannotList(answer);
        ids.push(...postsOf(answer.body, message.id));
        const cursor = stringAt((answer.body as { response_metadata?: unknown }).response_metadata, "next_cursor");
        if (!cursor) break;
        query.set("cursor", cursor);
      }
      return { kind: "listed", ids };
    } catch (error) {
      return { kind: "unavailable", message: unreachable(error, signal).message };
    }
  }

  private async attemptSend(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    const { text, thread } = message.content;
    if (!text) return rejected("missing_text", "a Slack message needs content.text");
    const body: Record<string, unknown> = {
      channel: message.to,
      text,
      metadata: { event_type: RELAY_EVENT_TYPE, event_payload: { relay_message_id: message.id } },
    };
    if (thread) body.thread_ts = thread;
    try {
      const answer = await postSlack(this.config, "chat.postMessage", body, signal);
      if (!answer.ok) return classify(answer);
      const ts = stringAt(answer.body, "ts");
      return ts ? { kind: "sent", providerMessageId: ts } : unavailable("unexpected_response", "Slack answered ok without a ts");
    } catch (error) {
      return unreachable(error, signal);
    }
  }

  private async attemptCheck(signal: AbortSignal): Promise<CheckResult> {
    try {
      const answer = await postSlack(this.config, "auth.test", {}, signal);
      if (!answer.ok && answer.error && AUTH_REFUSED.has(answer.error)) return credentialsRefused(answer.status, "Slack", answer.error);
      const team = stringAt(answer.body, "team");
      if (!answer.ok || !team) return unexpectedAnswer(answer.status, "Slack Web");
      return { ok: true, message: `reachable: the token is valid for the workspace ${team}` };
    } catch (error) {
      return unreachableCheck(signal, error);
    }
  }
}

/**
 * A rate limit (`ratelimited`, or HTTP 429 with Retry-After), a refused token and Slack's own
 * failures blame the provider; a missing channel, a channel the bot is not in, an archived one
 * or content Slack refuses blame the message.
 */
function classify(answer: SlackAnswer): SendOutcome {
  const code = answer.error ?? `http_${answer.status}`;
  const message = `Slack answered ${answer.error ?? `HTTP ${answer.status}`}`;
  if (code === "ratelimited" || answer.status === 429) return unavailable("ratelimited", message, answer.retryAfterSeconds);
  if (answer.status === 200 && RECIPIENT_AT_FAULT.has(code)) return rejected(code, message);
  return unavailable(code, message);
}

/** A rate limit or an outage: ask again later. Anything else (no history scope, no such channel): Slack cannot tell. */
function cannotList(answer: SlackAnswer): EarlierSends {
  const message = `Slack's history answered ${answer.error ?? `HTTP ${answer.status}`}`;
  if (answer.error === "ratelimited" || answer.status === 429 || answer.status >= 500)
    return { kind: "unavailable", message, retryAfterSeconds: answer.retryAfterSeconds };
  return { kind: "unsupported", message };
}

/** The timestamps of the posts that carry this Relay message id in their metadata. */
function postsOf(body: unknown, messageId: string): string[] {
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((posted) => {
    const metadata = (posted as { metadata?: { event_type?: unknown; event_payload?: { relay_message_id?: unknown } } }).metadata;
    const ts = stringAt(posted, "ts");
    const ours = metadata?.event_type === RELAY_EVENT_TYPE && metadata.event_payload?.relay_message_id === messageId;
    return ours && ts ? [ts] : [];
  });
}
