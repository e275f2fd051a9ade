import { Hono } from "hono";
import { InvalidInputError, UnauthorizedError } from "../../../shared/http/errors";
import type { WebhooksBindings } from "../context";
import { resendEventOutcome, resendEventSchema } from "../mapping/resend-event";
import { enabledProvider } from "../recording/provider-lookup";
import { recordCallback } from "../recording/record-callback";
import { parseJsonBody, rawBody } from "../request-body";
import { envelope } from "../respond";
import { verifySvixSignature } from "../verification/svix-signature";

export const resendRoutes = new Hono<WebhooksBindings>().post("/webhooks/resend/:providerId", async (c) => {
  const provider = await enabledProvider(c.var.db, c.env, "resend", c.req.param("providerId"));
  const secret = provider.config.webhookSecret;
  if (!secret) throw new UnauthorizedError("This Resend provider has no webhookSecret, so no callback to it can be verified");
  const raw = await rawBody(c.req);
  const verdict = verifySvixSignature(secret, raw, {
    id: c.req.header("svix-id"),
    timestamp: c.req.header("svix-timestamp"),
    signature: c.req.header("svix-signature"),
  });
  if (!verdict.ok) throw new UnauthorizedError(`Invalid Resend signature: ${verdict.reason}`);
  const payload = parseJsonBody(raw);
  const event = resendEventSchema.parse(payload);
  const outcome = resendEventOutcome(event);
  if (!outcome) return envelope(c, { result: "ignored", messageIds: [] });
  const emailId = event.data.email_id;
  if (!emailId) throw new InvalidInputError(`A Resend ${event.type} event must carry data.email_id`);
  const result = await recordCallback(c.var.db, {
    provider,
    providerMessageId: emailId,
    kind: event.type,
    outcome,
    dedupeKey: `resend:${provider.id}:${verdict.id}`,
    rawPayload: payload,
    requestId: c.var.requestId,
  });
  return envelope(c, result);
});
