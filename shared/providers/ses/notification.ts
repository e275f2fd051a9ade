import { z } from "zod";
import { InvalidInputError } from "../../http/errors";
import type { CallbackOutcome } from "../provider";

const recipient = z.string().min(1).max(320);

/** An SES notification (identity notifications name it `notificationType`, event publishing `eventType`). */
export const sesNotificationSchema = z.looseObject({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: z.looseObject({ messageId: z.string().min(1).max(200) }),
  bounce: z
    .looseObject({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(z.looseObject({ emailAddress: recipient, diagnosticCode: z.string().optional() })).max(100),
    })
    .optional(),
  complaint: z
    .looseObject({
      complainedRecipients: z.array(z.looseObject({ emailAddress: recipient })).max(100),
      complaintFeedbackType: z.string().optional(),
    })
    .optional(),
  delivery: z.looseObject({ recipients: z.array(recipient).max(100) }).optional(),
  reject: z.looseObject({ reason: z.string().optional() }).optional(),
  failure: z.looseObject({ errorMessage: z.string().optional() }).optional(),
});
export type SesNotification = z.infer<typeof sesNotificationSchema>;

export type SesMapping = { kind: string; outcome: CallbackOutcome; recipients?: string[] };

/** The notification types Relay records; others (e.g. `AmazonSnsSubscriptionSucceeded`) are acknowledged and ignored. */
const RECORDED_KINDS = new Set([
  "Delivery",
  "Bounce",
  "Complaint",
  "Send",
  "Reject",
  "DeliveryDelay",
  "Rendering Failure",
  "Open",
  "Click",
]);

export function sesKindOf(notification: { notificationType?: unknown; eventType?: unknown }): string | null {
  const kind = notification.notificationType ?? notification.eventType;
  return typeof kind === "string" && RECORDED_KINDS.has(kind) ? kind : null;
}

function missing(kind: string): never {
  throw new InvalidInputError(`An SES ${kind} notification must carry '${kind.toLowerCase()}'`);
}

/**
 * SES notifications onto Relay's statuses. One notification may name several recipients: a
 * delivery or a permanent bounce moves only a message to one of them. A transient bounce, a
 * complaint, a delay, an open or a click is recorded without moving the message.
 */
export function sesOutcome(kind: string, notification: SesNotification): SesMapping {
  switch (kind) {
    case "Delivery": {
      const recipients = notification.delivery?.recipients ?? missing("Delivery");
      return { kind, recipients, outcome: { status: "delivered", reason: `ses delivery to ${recipients.join(", ")}`, advances: true } };
    }
    case "Bounce": {
      const bounce = notification.bounce ?? missing("Bounce");
      const recipients = bounce.bouncedRecipients.map((r) => r.emailAddress);
      const detail = bounce.bouncedRecipients.find((r) => r.diagnosticCode)?.diagnosticCode;
      const reason = [`bounce ${bounce.bounceType}/${bounce.bounceSubType ?? "Undetermined"}`, recipients.join(", "), detail]
        .filter(Boolean)
        .join(": ");
      if (bounce.bounceType === "Permanent")
        return { kind, recipients, outcome: { status: "failed", reason, advances: true, suppresses: "bounce" } };
      return { kind, recipients, outcome: { status: "sent", reason, advances: false } };
    }
    case "Complaint": {
      const complaint = notification.complaint ?? missing("Complaint");
      const recipients = complaint.complainedRecipients.map((r) => r.emailAddress);
      const feedback = complaint.complaintFeedbackType ? ` (${complaint.complaintFeedbackType})` : "";
      return {
        kind,
        recipients,
        outcome: {
          status: "delivered",
          reason: `complaint${feedback}: ${recipients.join(", ")}`,
          advances: false,
          suppresses: "complaint",
        },
      };
    }
    case "Send":
      return { kind, outcome: { status: "sent", reason: "ses send", advances: true } };
    case "Reject":
      return { kind, outcome: { status: "failed", reason: `ses reject: ${notification.reject?.reason ?? "no reason"}`, advances: true } };
    case "Rendering Failure":
      return {
        kind,
        outcome: { status: "failed", reason: `ses rendering failure: ${notification.failure?.errorMessage ?? ""}`, advances: true },
      };
    case "DeliveryDelay":
      return { kind, outcome: { status: "sent", reason: "delivery delayed", advances: false } };
    default:
      return { kind, outcome: { status: "delivered", reason: `ses ${kind.toLowerCase()}`, advances: false } };
  }
}
