import type { MessageStatus } from "../../../shared/domain/enums";

/** What a provider's callback means for Relay. */
export type CallbackOutcome = {
  /** The status recorded on the event. */
  status: MessageStatus;
  reason: string;
  /** Whether the message itself moves to `status` — and then only forward. */
  advances: boolean;
};

export type CallbackProviderRef = { id: string; tenantId: string | null };

/** A callback whose signature checked out, ready to record. */
export type VerifiedCallback = {
  provider: CallbackProviderRef;
  /** The provider's id of the message (Twilio MessageSid, Resend email_id, SES messageId). */
  providerMessageId: string;
  /** Relay's own message id when the signed callback URL carries it (`?messageId=`). */
  messageIdHint?: string;
  /** The provider's name for what happened (`delivered`, `email.bounced`, `Bounce`). */
  kind: string;
  outcome: CallbackOutcome;
  /** When set, only a message to one of these recipients changes status; others get the event alone. */
  recipients?: string[];
  /** The same callback delivered again has the same key, and records nothing new. */
  dedupeKey: string;
  rawPayload: unknown;
  requestId: string;
};

export type RecordResult = { result: "recorded" | "duplicate" | "unmatched" | "ignored"; messageIds: string[] };
