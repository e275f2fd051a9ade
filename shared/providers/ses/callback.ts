import { ForbiddenError, InvalidInputError, UnauthorizedError } from "../../http/errors";
import { parseJsonBody } from "../callback-body";
import type { CallbackDeps, CallbackRequest, CallbackSpec, CallbackTarget } from "../provider";
import { sesCallbackUrl } from "./callback-url";
import type { SesConfig } from "./config";
import { sesKindOf, sesNotificationSchema, sesOutcome } from "./notification";
import { snsEnvelopeSchema } from "./sns-envelope";
import { verifySnsSignature } from "./sns-signature";
import { confirmSubscription } from "./sns-subscription";

function notificationIn(message: string): Record<string, unknown> {
  const notification = parseJsonBody(message);
  if (typeof notification !== "object" || notification === null || Array.isArray(notification))
    throw new InvalidInputError("The SNS Message is not an SES notification");
  return notification as Record<string, unknown>;
}

/** SES notifications through an SNS HTTPS subscription: the SNS signature, the pinned topic, then the notification. */
export const sesCallback: CallbackSpec<SesConfig> = {
  url: sesCallbackUrl,
  async handle(request: CallbackRequest, target: CallbackTarget<SesConfig>, deps: CallbackDeps) {
    const payload = parseJsonBody(request.rawBody);
    const message = snsEnvelopeSchema.parse(payload);
    const verdict = await verifySnsSignature(message, deps.fetch);
    if (!verdict.ok) throw new UnauthorizedError(`Invalid SNS signature: ${verdict.reason}`);
    const pinned = target.config.snsTopicArn;
    if (pinned && message.TopicArn !== pinned) throw new ForbiddenError("The SNS topic is not the one this provider is configured with");

    if (message.Type === "SubscriptionConfirmation") {
      await confirmSubscription(message, deps.fetch);
      return { kind: "subscription-confirmed", topicArn: message.TopicArn };
    }
    if (message.Type === "UnsubscribeConfirmation") return { kind: "ignored" };

    const notification = notificationIn(message.Message);
    const kind = sesKindOf(notification);
    if (!kind) return { kind: "ignored" };
    const ses = sesNotificationSchema.parse(notification);
    const mapping = sesOutcome(kind, ses);
    return {
      kind: "status",
      providerMessageId: ses.mail.messageId,
      event: mapping.kind,
      outcome: mapping.outcome,
      recipients: mapping.recipients,
      dedupeKey: `ses:${target.providerId}:${message.MessageId}`,
      rawPayload: payload,
    };
  },
};
