import { z } from "zod";
import type { CallbackRequest, CallbackResult, CallbackSpec, CallbackTarget, InboundMedia } from "../provider";
import { twilioCallbackUrl } from "./callback-url";
import type { TwilioConfig } from "./config";
import { verifiedTwilioParams } from "./signed-params";
import { twilioStatusOutcome } from "./status";

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

const MAX_MEDIA = 10;
/** Twilio wants TwiML back from an incoming-SMS webhook; an empty Response sends no reply. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** TwiML that answers the incoming SMS with one message back to its sender. */
function twimlMessage(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char]);
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}

function inboundMedia(params: Record<string, string>): InboundMedia[] {
  const count = Math.min(Number.parseInt(params.NumMedia ?? "0", 10) || 0, MAX_MEDIA);
  const media: InboundMedia[] = [];
  for (let index = 0; index < count; index++) {
    const url = params[`MediaUrl${index}`];
    const contentType = params[`MediaContentType${index}`];
    if (url) media.push(contentType ? { url, contentType } : { url });
  }
  return media;
}

function statusCallback(params: Record<string, string>, target: CallbackTarget<TwilioConfig>): CallbackResult {
  const callback = statusCallbackSchema.parse(params);
  const outcome = twilioStatusOutcome(callback.MessageStatus, callback.ErrorCode);
  if (!outcome) return { kind: "ignored" };
  return {
    kind: "status",
    providerMessageId: callback.MessageSid,
    messageIdHint: target.route.messageId,
    event: callback.MessageStatus,
    outcome,
    dedupeKey: `twilio:${target.providerId}:${callback.MessageSid}:${callback.MessageStatus}`,
    rawPayload: params,
  };
}

function inboundSms(params: Record<string, string>, target: CallbackTarget<TwilioConfig>): CallbackResult {
  const sms = inboundSchema.parse(params);
  return {
    kind: "inbound",
    channel: "sms",
    providerMessageId: sms.MessageSid,
    to: sms.To,
    from: sms.From,
    body: sms.Body,
    media: inboundMedia(params),
    sender: { phone: sms.From },
    dedupeKey: `twilio:${target.providerId}:${sms.MessageSid}:inbound`,
    rawPayload: params,
    reply: { body: EMPTY_TWIML, contentType: "text/xml" },
  };
}

/** Status callbacks and incoming SMS, both signed with the account's auth token. */
export const twilioCallback: CallbackSpec<TwilioConfig> = {
  url: twilioCallbackUrl,
  replyWith: (text) => ({ body: twimlMessage(text), contentType: "text/xml" }),
  async handle(request: CallbackRequest, target: CallbackTarget<TwilioConfig>) {
    const params = await verifiedTwilioParams(request, target.config.authToken);
    return target.route.endpoint === "inbound" ? inboundSms(params, target) : statusCallback(params, target);
  },
};
