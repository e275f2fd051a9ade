import { z } from "zod";
import { chatContentIssues, slackRecipient, telegramRecipient } from "./chat-message";
import { MAX_DEVICE_TOKEN_LENGTH } from "./device-request";
import { emailEnvelopeIssues, emailFields } from "./email-envelope";
import type { Channel } from "./enums";
import { parseMailbox } from "./mailbox";
import { type MessageContent, messageContentSchema } from "./message-content";
import { metadataSchema } from "./metadata";
import { phoneExtension, toE164 } from "./phone-number";
import { MAX_PUSH_PAYLOAD_BYTES, pushContentSchema, pushPayloadBytes } from "./push-content";
import { localeSchema, templateDataSchema } from "./template-parts";

export const SMS_MAX_LENGTH = 1600;
/** A Cloudflare Queue message holds at most 128 KB; a request's payload stays within it. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
export const MAX_SCHEDULE_AHEAD_DAYS = 30;
export const MAX_BATCH_SIZE = 100;

const E164_HINT = "must be a phone number in E.164 form, e.g. +14155550100";
const ALPHANUMERIC_SENDER = /^[A-Za-z0-9 ]{1,11}$/;

function phoneIssue(value: string, otherwise: string): string {
  const extension = phoneExtension(value);
  return extension ? `has an extension (${extension}), which an SMS cannot dial: send to the number without it` : otherwise;
}

const phoneNumber = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (e164) return e164;
    ctx.addIssue({ code: "custom", message: phoneIssue(value, E164_HINT) });
    return z.NEVER;
  });

/** A phone number (normalised to E.164) or an alphanumeric sender ID. */
const smsSender = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (e164) return e164;
    if (ALPHANUMERIC_SENDER.test(value)) return value;
    ctx.addIssue({ code: "custom", message: phoneIssue(value, `${E164_HINT}, or a sender ID of 1 to 11 letters, digits and spaces`) });
    return z.NEVER;
  });

const scheduledAt = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .refine(
    (value) => Date.parse(value) <= Date.now() + MAX_SCHEDULE_AHEAD_DAYS * 86_400_000,
    `may be at most ${MAX_SCHEDULE_AHEAD_DAYS} days ahead`,
  )
  .meta({ description: "Deliver no earlier than this time (ISO-8601)." });

export const templateReferenceSchema = z
  .strictObject({
    id: z.string().min(1).max(64).meta({ example: "tpl_V1StGXR8Z5jdHi6BmyT12" }),
    data: templateDataSchema.optional(),
    locale: localeSchema.optional().meta({ description: "Falls back to the language alone, then the template's default locale" }),
    version: z.number().int().min(1).optional().meta({ description: "Default: the template's current version" }),
  })
  .meta({
    id: "TemplateReference",
    description: "Render a stored template at acceptance instead of giving `content` (and, for email, `subject`).",
  });
export type TemplateReference = z.infer<typeof templateReferenceSchema>;

const common = {
  subject: z.string().min(1).max(998).optional(),
  content: messageContentSchema.optional(),
  template: templateReferenceSchema.optional(),
  scheduledAt: scheduledAt.optional(),
  metadata: metadataSchema.optional(),
};

const smsRequest = z.strictObject({
  channel: z.literal("sms"),
  to: phoneNumber,
  from: smsSender.optional(),
  ...common,
});

const emailSender = z
  .string()
  .min(3)
  .max(320)
  .refine((value) => parseMailbox(value) !== null, "must be an email address, or a name and address: Name <sender@example.com>");
const emailRequest = z.strictObject({
  channel: z.literal("email"),
  from: emailSender.optional(),
  ...emailFields,
  ...common,
});

const pushRequest = z.strictObject({
  channel: z.literal("push"),
  to: z.string().min(1).max(MAX_DEVICE_TOKEN_LENGTH).meta({
    description: "A registered device (`dev_…`), a contact (`ctc_…`: one message per valid device), or a raw FCM registration token.",
  }),
  from: z.string().max(200).optional(),
  ...common,
  content: pushContentSchema.optional(),
});

const webhookRequest = z.strictObject({
  channel: z.literal("webhook"),
  to: z.string().min(1).max(512).meta({ description: "An identifier of the receiving endpoint." }),
  from: z.string().max(200).optional(),
  ...common,
});

/** `from` is not sent anywhere: the bot posts as itself. It is kept on the message, as for push and webhook. */
const chatSender = z.string().max(200).optional();
const telegramRequest = z.strictObject({ channel: z.literal("telegram"), to: telegramRecipient, from: chatSender, ...common });
const slackRequest = z.strictObject({ channel: z.literal("slack"), to: slackRecipient, from: chatSender, ...common });

type ContentIssue = { path: string[]; message: string };

function contentIssues(channel: Channel, content: Pick<MessageContent, "text" | "html" | "title">): ContentIssue[] {
  if (channel === "sms") {
    if (!content.text) return [{ path: ["content", "text"], message: "an SMS needs content.text" }];
    if (content.text.length > SMS_MAX_LENGTH)
      return [{ path: ["content", "text"], message: `an SMS is at most ${SMS_MAX_LENGTH} characters` }];
  }
  if (channel === "email" && !content.html && !content.text)
    return [{ path: ["content"], message: "an email needs content.html or content.text" }];
  if (channel === "push" && !content.text) return [{ path: ["content", "text"], message: "a push notification needs content.text" }];
  if (channel !== "push" && content.title) return [{ path: ["content", "title"], message: "only a push notification has a title" }];
  return [];
}

export const messageRequestSchema = z
  .discriminatedUnion("channel", [smsRequest, emailRequest, pushRequest, webhookRequest, telegramRequest, slackRequest])
  .superRefine((request, ctx) => {
    const { content, template } = request;
    if (content && template) ctx.addIssue({ code: "custom", path: ["template"], message: "give either content or template, not both" });
    if (!content && !template) ctx.addIssue({ code: "custom", path: ["content"], message: "give content or template" });
    if (request.channel === "email") {
      for (const issue of emailEnvelopeIssues(request)) ctx.addIssue({ code: "custom", ...issue });
      if (template && request.subject !== undefined)
        ctx.addIssue({ code: "custom", path: ["subject"], message: "the template gives the subject" });
      if (!template && request.subject === undefined)
        ctx.addIssue({ code: "custom", path: ["subject"], message: "an email needs a subject" });
    }
    if (content) {
      for (const issue of contentIssues(request.channel, content)) ctx.addIssue({ code: "custom", ...issue });
      chatContentIssues(request.channel, content, ctx);
    }
    if (request.channel === "push" && request.content && pushPayloadBytes(request.content) > MAX_PUSH_PAYLOAD_BYTES)
      ctx.addIssue({
        code: "custom",
        path: ["content"],
        message: `title, text, data, imageUrl and url come to ${pushPayloadBytes(request.content)} bytes as JSON; a push carries at most ${MAX_PUSH_PAYLOAD_BYTES} (Web Push's 4096-byte record less its encryption overhead; FCM allows 4 KB)`,
      });
    // Attachments go to R2, not D1 or the queue: they have their own limit.
    const stored = request.channel === "email" ? { ...request, attachments: undefined } : request;
    if (new TextEncoder().encode(JSON.stringify(stored)).byteLength > MAX_MESSAGE_BYTES)
      ctx.addIssue({ code: "custom", path: [], message: `the message is larger than ${MAX_MESSAGE_BYTES} bytes (attachments aside)` });
  })
  .meta({ id: "SendMessageRequest" });

export type MessageRequest = z.infer<typeof messageRequestSchema>;

export const batchRequestSchema = z
  .strictObject({ messages: z.array(messageRequestSchema).min(1).max(MAX_BATCH_SIZE) })
  .meta({ id: "SendBatchRequest" });
