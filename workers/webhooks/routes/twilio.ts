import { Hono } from "hono";
import { z } from "zod";
import type { WebhooksBindings } from "../context";
import { twilioStatusOutcome } from "../mapping/twilio-status";
import { enabledProvider } from "../recording/provider-lookup";
import { recordCallback } from "../recording/record-callback";
import { recordInboundSms } from "../recording/record-inbound-sms";
import { envelope } from "../respond";
import { verifiedTwilioParams } from "./twilio-request";

const sid = z.string().min(1).max(64);
const statusCallbackSchema = z.object({
  MessageSid: sid,
  MessageStatus: z.string().min(1).max(40),
  ErrorCode: z.string().max(20).optional(),
});
const inboundSchema = z.object({
  MessageSid: sid,
  From: z.string().min(1).max(100),
  To: z.string().min(1).max(100),
  Body: z.string().default(""),
});

/** Relay's message id, when dispatch put it on the (signed) StatusCallback URL. */
const MESSAGE_ID = /^msg_[A-Za-z0-9]{1,64}$/;
const MAX_MEDIA = 10;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function mediaUrls(params: Record<string, string>): string[] {
  const count = Math.min(Number.parseInt(params.NumMedia ?? "0", 10) || 0, MAX_MEDIA);
  return Array.from({ length: count }, (_, index) => params[`MediaUrl${index}`]).filter((url): url is string => Boolean(url));
}

export const twilioRoutes = new Hono<WebhooksBindings>()
  .post("/webhooks/twilio/:providerId", async (c) => {
    const provider = await enabledProvider(c.var.db, c.env, "twilio", c.req.param("providerId"));
    const params = await verifiedTwilioParams(c, provider.config.authToken);
    const callback = statusCallbackSchema.parse(params);
    const outcome = twilioStatusOutcome(callback.MessageStatus, callback.ErrorCode);
    if (!outcome) return envelope(c, { result: "ignored", messageIds: [] });
    const hint = c.req.query("messageId");
    const result = await recordCallback(c.var.db, {
      provider,
      providerMessageId: callback.MessageSid,
      messageIdHint: hint && MESSAGE_ID.test(hint) ? hint : undefined,
      kind: callback.MessageStatus,
      outcome,
      dedupeKey: `twilio:${provider.id}:${callback.MessageSid}:${callback.MessageStatus}`,
      rawPayload: params,
      requestId: c.var.requestId,
    });
    return envelope(c, result);
  })
  .post("/webhooks/twilio/:providerId/inbound", async (c) => {
    const provider = await enabledProvider(c.var.db, c.env, "twilio", c.req.param("providerId"));
    const params = await verifiedTwilioParams(c, provider.config.authToken);
    const sms = inboundSchema.parse(params);
    await recordInboundSms(c.var.db, {
      provider,
      messageSid: sms.MessageSid,
      to: sms.To,
      from: sms.From,
      body: sms.Body,
      mediaUrls: mediaUrls(params),
      dedupeKey: `twilio:${provider.id}:${sms.MessageSid}:inbound`,
      rawPayload: params,
      requestId: c.var.requestId,
    });
    return c.body(EMPTY_TWIML, 200, { "content-type": "text/xml" });
  });
