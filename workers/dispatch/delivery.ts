import type { MessageRow, ProviderConfigRow } from "../../shared/db/schema";
import type { OutboundMessage, SendOutcome } from "../../shared/providers/provider";

export type Attempt = { provider: ProviderConfigRow; outcome: SendOutcome; at: string };

/** What becomes of a claimed message in this round. */
export type Fate =
  | { kind: "sent"; provider: ProviderConfigRow; providerMessageId: string; cost?: number }
  | { kind: "rejected"; provider: ProviderConfigRow; reason: string }
  | { kind: "retry"; reason: string; hintSeconds: number }
  | { kind: "deferred"; provider: ProviderConfigRow; delaySeconds: number };

export type Delivery = { row: MessageRow; attempts: Attempt[]; skipped: string[]; fate?: Fate };

export function outbound(row: MessageRow): OutboundMessage {
  return {
    id: row.id,
    channel: row.channel,
    to: row.recipient,
    from: row.sender,
    subject: row.subject,
    content: row.content,
    metadata: row.metadata,
  };
}

export function describeOutcome(outcome: SendOutcome): string {
  if (outcome.kind === "sent") return "sent";
  return outcome.code ? `${outcome.code}: ${outcome.message}` : outcome.message;
}
