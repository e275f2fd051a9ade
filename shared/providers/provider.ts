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
 */
export type SendOutcome =
  | { kind: "sent"; providerMessageId: string; cost?: number }
  | { kind: "rejected"; code?: string; message: string }
  | { kind: "unavailable"; code?: string; message: string; retryAfterSeconds?: number };

export type CheckResult = { ok: boolean; message: string };

export interface Provider {
  readonly id: string;
  readonly type: ProviderType;
  send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome>;
  /** A real credential check against the provider, without sending anything. */
  check(signal: AbortSignal): Promise<CheckResult>;
}
