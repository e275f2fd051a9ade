import { z } from "zod";
import type { CallbackOutcome } from "../provider";

/** The parts of a Resend webhook event Relay reads; the whole body is kept as the raw payload. */
export const resendEventSchema = z.looseObject({
  type: z.string().min(1).max(100),
  created_at: z.string().max(100).optional(),
  data: z.looseObject({
    email_id: z.string().min(1).max(200).optional(),
    bounce: z.looseObject({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() }).optional(),
    failed: z.looseObject({ reason: z.string().optional() }).optional(),
  }),
});
export type ResendEvent = z.infer<typeof resendEventSchema>;

function bounceReason(bounce: NonNullable<ResendEvent["data"]["bounce"]>): string {
  const kind = [bounce.type, bounce.subType].filter(Boolean).join("/");
  return ["bounce", kind, bounce.message].filter(Boolean).join(": ");
}

/**
 * Resend's email events onto Relay's statuses. A delay, a complaint, an open or a click is
 * recorded without moving the message; events that are not about a sent email are null.
 */
export function resendEventOutcome(event: ResendEvent): CallbackOutcome | null {
  const { data } = event;
  switch (event.type) {
    case "email.sent":
      return { status: "sent", reason: "resend email.sent", advances: true };
    case "email.delivered":
      return { status: "delivered", reason: "resend email.delivered", advances: true };
    case "email.delivery_delayed":
      return { status: "sent", reason: "delivery delayed", advances: false };
    case "email.bounced":
      return {
        status: "failed",
        reason: data.bounce ? bounceReason(data.bounce) : "bounce",
        advances: true,
        ...(data.bounce?.type === "Transient" ? {} : { suppresses: "bounce" as const }),
      };
    case "email.complained":
      return { status: "delivered", reason: "complaint", advances: false, suppresses: "complaint" };
    case "email.failed":
      return { status: "failed", reason: `failed${data.failed?.reason ? `: ${data.failed.reason}` : ""}`, advances: true };
    case "email.opened":
    case "email.clicked":
      return { status: "delivered", reason: event.type.slice("email.".length), advances: false };
    default:
      return null;
  }
}
