import type { CallbackOutcome } from "../provider";

const advancing = (status: CallbackOutcome["status"], reason: string): CallbackOutcome => ({ status, reason, advances: true });

/**
 * Twilio's MessageStatus onto Relay's. Statuses before `sent` may move a message no further than
 * `sending`; `partially_delivered` is recorded without a status change. Inbound statuses
 * (`receiving`, `received`) and anything unknown are not status callbacks: null.
 */
export function twilioStatusOutcome(status: string, errorCode?: string): CallbackOutcome | null {
  const reason = `twilio ${status}${errorCode ? ` (ErrorCode ${errorCode})` : ""}`;
  switch (status) {
    case "accepted":
    case "scheduled":
    case "queued":
    case "sending":
      return advancing("sending", reason);
    case "sent":
      return advancing("sent", reason);
    case "delivered":
    case "read":
      return advancing("delivered", reason);
    case "undelivered":
    case "failed":
    case "canceled":
      return advancing("failed", reason);
    case "partially_delivered":
      return { status: "sent", reason, advances: false };
    default:
      return null;
  }
}
