import { Hono } from "hono";
import { ForbiddenError, InvalidInputError, UnauthorizedError } from "../../../shared/http/errors";
import { log } from "../../../shared/observability/logger";
import type { WebhooksBindings } from "../context";
import { sesKindOf, sesNotificationSchema, sesOutcome } from "../mapping/ses-notification";
import { enabledProvider } from "../recording/provider-lookup";
import { recordCallback } from "../recording/record-callback";
import { parseJsonBody, rawBody } from "../request-body";
import { envelope } from "../respond";
import { snsEnvelopeSchema } from "../verification/sns-envelope";
import { verifySnsSignature } from "../verification/sns-signature";
import { confirmSubscription } from "./ses-subscription";

function notificationIn(message: string): Record<string, unknown> {
  const notification = parseJsonBody(message);
  if (typeof notification !== "object" || notification === null || Array.isArray(notification))
    throw new InvalidInputError("The SNS Message is not an SES notification");
  return notification as Record<string, unknown>;
}

export const sesRoutes = new Hono<WebhooksBindings>().post("/webhooks/ses/:providerId", async (c) => {
  const provider = await enabledProvider(c.var.db, c.env, "aws-ses", c.req.param("providerId"));
  const payload = parseJsonBody(await rawBody(c.req));
  const message = snsEnvelopeSchema.parse(payload);
  const verdict = await verifySnsSignature(message);
  if (!verdict.ok) throw new UnauthorizedError(`Invalid SNS signature: ${verdict.reason}`);
  const pinned = provider.config.snsTopicArn;
  if (pinned && message.TopicArn !== pinned) throw new ForbiddenError("The SNS topic is not the one this provider is configured with");

  if (message.Type === "SubscriptionConfirmation") {
    await confirmSubscription(message);
    log.info("webhooks.sns_subscription_confirmed", { providerId: provider.id, topicArn: message.TopicArn });
    return envelope(c, { result: "confirmed", topicArn: message.TopicArn });
  }
  if (message.Type === "UnsubscribeConfirmation") return envelope(c, { result: "ignored", messageIds: [] });

  const notification = notificationIn(message.Message);
  const kind = sesKindOf(notification);
  if (!kind) return envelope(c, { result: "ignored", messageIds: [] });
  const ses = sesNotificationSchema.parse(notification);
  const mapping = sesOutcome(kind, ses);
  const result = await recordCallback(c.var.db, {
    provider,
    providerMessageId: ses.mail.messageId,
    kind: mapping.kind,
    outcome: mapping.outcome,
    recipients: mapping.recipients,
    dedupeKey: `ses:${provider.id}:${message.MessageId}`,
    rawPayload: payload,
    requestId: c.var.requestId,
  });
  return envelope(c, result);
});
