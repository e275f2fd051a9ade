import type { Channel, ProviderType } from "../domain/enums";
import type { MessageContent } from "../domain/message-content";

/** What an adapter needs to send one message. The message id doubles as idempotency key. */
export type OutboundMessage = {
  id: string;
  channel: Channel;
  to: string;
  from: string | null;
  subject: string | null;
  content: MessageContent;
  metadata: Record<string, unknown>;
};

/**
 * - `sent`: the provider took it.
 * - `rejected`: the recipient or content is at fault; another provider would fail the same way.
 * - `unavailable`: the provider is at fault (auth, 5xx, 429, timeout, network); fail over.
 * `reconciled` marks a `sent` found at the provider by `findSent`, not sent by this call.
 */
export type SendOutcome =
  | { kind: "sent"; providerMessageId: string; cost?: number; reconciled?: boolean }
  | { kind: "rejected"; code?: string; message: string }
  | { kind: "unavailable"; code?: string; message: string; retryAfterSeconds?: number };

export type CheckResult = { ok: boolean; message: string };

export interface Provider {
  readonly id: string;
  readonly type: ProviderType;
  send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome>;
  /** A real credential check against the provider, without sending anything. */
  check(signal: AbortSignal): Promise<CheckResult>;
  /**
   * For a provider that takes no idempotency key: the ids of sends it accepted since `since`
   * that look like this message (same recipient, sender and body), oldest first — so a message
   * whose earlier attempt's outcome was lost in a crash is recorded, not sent again.
   * `undefined` when the provider could not tell (then the message is sent).
   */
  findSent?(message: OutboundMessage, since: Date, signal: AbortSignal): Promise<string[] | undefined>;
}
