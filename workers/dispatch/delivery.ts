import type { MessageRow, ProviderConfigRow } from "../../shared/db/schema";
import type { OptOutSource } from "../../shared/domain/opt-out";
import type { OutboundEmail, OutboundMessage, SendOutcome } from "../../shared/providers/provider";
import type { PushRecipient } from "./push-recipient";

export type Attempt = { provider: ProviderConfigRow; outcome: SendOutcome; at: string };

/** What becomes of a claimed message in this round. */
export type Fate =
  | {
      kind: "sent";
      provider: ProviderConfigRow;
      providerMessageId: string;
      cost?: number;
      currency?: string;
      /** The provider prices the send later: the cron asks it (price-lookups.ts). */
      priceLater?: true;
      reconciled?: boolean;
    }
  | { kind: "rejected"; provider: ProviderConfigRow; reason: string; suppresses?: OptOutSource }
  | { kind: "retry"; reason: string; hintSeconds: number }
  | { kind: "deferred"; provider: ProviderConfigRow; delaySeconds: number }
  /** The recipient is on the tenant's suppression list: failed without a provider call. */
  | { kind: "suppressed"; reason: string };

export type Delivery = {
  row: MessageRow;
  attempts: Attempt[];
  skipped: string[];
  /** The last provider skipped because its circuit was open: the one to name when no call was made. */
  skippedProviderId?: string;
  fate?: Fate;
  /** Set when an earlier attempt's outcome was lost (a lapsed lease): sends since then are looked up first. */
  uncertainSince?: Date;
  /** A push's device, as it was at the claim. */
  push?: PushRecipient;
  /** An operator's redrive to this provider: tried first when it is in the message's chain. */
  preferredProviderId?: string;
  /** An email's recipients on the suppression list, not sent to (the others are). */
  leftOut?: string[];
};

/** Clock skew between Relay and a provider, allowed for when looking up earlier sends. */
const LOOKUP_SKEW_MS = 60_000;

/** Since when an earlier, unrecorded send of this message may exist at a provider. */
export function earliestSendOf(row: MessageRow): Date {
  const notBefore = Math.max(Date.parse(row.createdAt), row.scheduledAt ? Date.parse(row.scheduledAt) : 0);
  return new Date(notBefore - LOOKUP_SKEW_MS);
}

export function outbound(row: MessageRow, push?: PushRecipient, email?: OutboundEmail): OutboundMessage {
  return {
    ...(push?.target && { device: push.target }),
    ...(email && { email }),
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
  if (outcome.kind === "sent") return outcome.reconciled ? "already sent (found at the provider)" : "sent";
  return outcome.code ? `${outcome.code}: ${outcome.message}` : outcome.message;
}
