import { z } from "zod";
import { analysisViewSchema } from "../../../shared/analysis/analysis-view";
import { CONVERSATION_STATUSES } from "../../../shared/domain/conversation-status";
import { CHANNELS, DIRECTIONS, EVENT_SOURCES, MESSAGE_STATUSES, PROVIDER_TYPES } from "../../../shared/domain/enums";
import { MEDIA_STATUSES } from "../../../shared/domain/media-status";
import { messageContentSchema } from "../../../shared/domain/message-content";
import { OPT_OUT_SOURCES } from "../../../shared/domain/opt-out";
import { pricingSchema } from "../../../shared/domain/pricing";
import { pushContentSchema } from "../../../shared/domain/push-content";
import { quotasSchema } from "../../../shared/domain/quotas";
import { API_KEY_SCOPES } from "../../../shared/domain/scopes";
import { ERROR_CODES } from "../../../shared/http/error-codes";

const timestamp = z.string().meta({ description: "ISO-8601 UTC", example: "2026-11-22T10:00:00.000Z" });
const nullableTimestamp = timestamp.nullable();
const record = z.record(z.string(), z.unknown());

const emailEnvelopeSchema = z
  .object({
    to: z.array(z.string()).meta({ description: "Every `to` recipient; the message's `to` is the first" }),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    replyTo: z.array(z.string()),
    headers: z.record(z.string(), z.string()),
    attachments: z.array(
      z.object({ filename: z.string(), contentType: z.string(), size: z.number().int().meta({ description: "bytes" }) }),
    ),
  })
  .nullable()
  .meta({
    id: "EmailEnvelope",
    description: "An email's recipients beyond the first, reply-to, custom headers and attachments; null when it has none of them.",
  });
export const attachmentSchema = z
  .object({
    id: z.string().meta({ example: "med_V1StGXR8Z5jdHi6BmyT12" }),
    contentType: z.string().nullable(),
    name: z.string().nullable().meta({ description: "The file name the sender gave, if any" }),
    size: z.number().int().nullable().meta({ description: "Bytes, once stored" }),
    status: z.enum(MEDIA_STATUSES).meta({
      description:
        "`pending`: still being fetched from the provider; `stored`: readable at `url`; `failed`: could not be fetched (`lastError` says why)",
    }),
    lastError: z.string().nullable(),
    url: z.string().meta({
      description: "The authenticated API path that serves it (`GET /v1/media/{id}`)",
      example: "/v1/media/med_V1StGXR8Z5jdHi6BmyT12",
    }),
  })
  .meta({ id: "Attachment" });

export const messageSchema = z
  .object({
    id: z.string().meta({ example: "msg_V1StGXR8Z5jdHi6BmyT12" }),
    tenantId: z.string(),
    channel: z.enum(CHANNELS),
    direction: z.enum(DIRECTIONS),
    to: z.string(),
    from: z.string().nullable(),
    subject: z.string().nullable(),
    content: z.union([messageContentSchema, pushContentSchema]),
    email: emailEnvelopeSchema,
    status: z.enum(MESSAGE_STATUSES),
    providerId: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    cost: z.number().nullable().meta({ description: "What the send cost, as the provider reported it or from the provider's `pricing`." }),
    currency: z.string().nullable().meta({ description: "ISO 4217 code of `cost`.", example: "USD" }),
    segments: z.number().int().nullable().meta({ description: "SMS only: segments billed (GSM-7 or UCS-2, concatenated)." }),
    idempotencyKey: z.string().nullable(),
    scheduledAt: nullableTimestamp,
    sentAt: nullableTimestamp,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    metadata: record,
    templateId: z.string().nullable().meta({ description: "The template the content was rendered from" }),
    templateVersion: z.number().int().nullable().meta({ description: "The version of that template" }),
    conversationId: z.string().nullable().meta({ description: "The conversation the message belongs to, if any" }),
    attachments: z
      .array(attachmentSchema)
      .meta({ description: "Files that came with an inbound message (MMS media, chat photos and files)" }),
    createdAt: timestamp,
    updatedAt: timestamp,
    fanOut: z
      .array(z.string())
      .optional()
      .meta({ description: "Only in the answer to a push to a contact: every message made, one per device." }),
  })
  .meta({ id: "Message" });

export const eventSchema = z
  .object({
    id: z.string(),
    status: z.enum(MESSAGE_STATUSES),
    reason: z.string().nullable(),
    source: z.enum(EVENT_SOURCES),
    providerId: z.string().nullable(),
    occurredAt: timestamp,
  })
  .meta({ id: "MessageEvent" });

export const messageWithEventsSchema = messageSchema
  .extend({
    events: z.array(eventSchema),
    archived: z.literal(true).optional().meta({ description: "Present when the message was read from the R2 archive." }),
  })
  .meta({ id: "MessageWithEvents" });

export const providerSchema = z
  .object({
    id: z.string(),
    tenantId: z.string().nullable(),
    type: z.enum(PROVIDER_TYPES),
    channel: z.enum(CHANNELS),
    name: z.string(),
    mask: z.string().meta({ example: "…a1b2" }),
    enabled: z.boolean(),
    priority: z.number().int(),
    pricing: pricingSchema.nullable(),
    metadata: record,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Provider" });

export const providerTestSchema = z
  .object({ ok: z.boolean(), message: z.string(), latencyMs: z.number() })
  .meta({ id: "ProviderTestResult" });

export const tenantSchema = z
  .object({ id: z.string(), name: z.string(), quotas: quotasSchema, retentionDays: z.number().int(), createdAt: timestamp })
  .meta({ id: "Tenant" });

export const apiKeySchema = z
  .object({
    id: z.string(),
    tenantId: z.string().nullable(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    createdAt: timestamp,
    revokedAt: nullableTimestamp,
    lastUsedAt: nullableTimestamp.meta({ description: "When the key last authenticated an API request (recorded at most once a minute)" }),
  })
  .meta({ id: "ApiKey" });

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().meta({ description: "The secret, shown this once only." }) })
  .meta({ id: "CreatedApiKey" });

export const deadLetterSchema = z
  .object({
    id: z.string(),
    messageId: z.string(),
    tenantId: z.string(),
    providerId: z.string().nullable(),
    lastError: z.string().nullable(),
    attempts: z.number().int(),
    body: z.unknown(),
    deadLetteredAt: timestamp,
    redrivenAt: nullableTimestamp,
    discardedAt: nullableTimestamp,
  })
  .meta({ id: "DeadLetter" });

export const providerAttemptsSchema = z
  .object({
    providerId: z.string(),
    providerName: z.string().nullable().meta({ description: "null once the provider was deleted" }),
    attempts: z.number().int().meta({ description: "How many times this provider was called for the message" }),
    lastError: z.string().nullable().meta({ description: "What the provider said the last time (null if that call sent it)" }),
    lastAttemptAt: timestamp,
  })
  .meta({ id: "ProviderAttempts" });

export const deadLetterDetailSchema = deadLetterSchema
  .extend({
    providerAttempts: z
      .array(providerAttemptsSchema)
      .meta({ description: "Every provider the message was tried with, most recently tried first, from its attempt events" }),
  })
  .meta({ id: "DeadLetterDetail" });

export const bulkOperationSchema = z
  .object({
    id: z.string(),
    tenantId: z.string().nullable().meta({ description: "null: an ops operation over every tenant the filter matched" }),
    action: z.enum(["redrive", "discard"]),
    filter: z.object({
      tenantId: z.string().nullable(),
      providerId: z.string().optional(),
      q: z.string().optional(),
      since: z.string().optional(),
      until: z.string().optional(),
    }),
    targetProviderId: z.string().nullable(),
    state: z.enum(["running", "done"]),
    total: z.number().int().meta({ description: "Pending dead letters the filter matched at the start" }),
    processed: z.number().int(),
    succeeded: z.number().int().meta({ description: "Redriven or discarded; the rest were no longer pending or redrivable" }),
    lastError: z.string().nullable().meta({ description: "Why the last chunk stopped short (it is retried)" }),
    createdAt: timestamp,
    updatedAt: timestamp,
    finishedAt: nullableTimestamp,
  })
  .meta({ id: "DeadLetterOperation" });

export const auditRecordSchema = z
  .object({
    id: z.string(),
    tenantId: z.string().nullable(),
    actorKeyId: z.string().meta({ description: "The API key that acted" }),
    actorKeyName: z.string().nullable().meta({ description: "That key's name" }),
    action: z.string(),
    target: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    clientAddress: z.string().nullable().meta({ description: "The client's address as Cloudflare's edge saw it" }),
    requestId: z.string().nullable(),
    occurredAt: timestamp,
  })
  .meta({ id: "AuditRecord" });

export const redriveResultSchema = z
  .object({
    id: z.string(),
    outcome: z.enum(["redriven", "not_found", "not_redrivable", "unavailable"]),
    message: z.string().optional(),
  })
  .meta({ id: "RedriveResult" });

export const contactSchema = z
  .object({
    id: z.string().meta({ example: "ctc_V1StGXR8Z5jdHi6BmyT12" }),
    name: z.string().nullable(),
    phone: z.string().nullable().meta({ description: "E.164" }),
    email: z.string().nullable(),
    telegramChatId: z.string().nullable(),
    slackUserId: z.string().nullable(),
    metadata: record,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Contact" });

export const conversationSchema = z
  .object({
    id: z.string().meta({ example: "cnv_V1StGXR8Z5jdHi6BmyT12" }),
    tenantId: z.string(),
    channel: z.enum(CHANNELS),
    providerId: z.string().nullable().meta({ description: "The provider it arrived through" }),
    contactId: z.string().nullable(),
    contact: contactSchema.nullable(),
    counterpart: z.string().meta({ description: "Their endpoint: a phone number, chat id, channel id" }),
    ourEndpoint: z.string().meta({ description: "Ours: our number, the bot, the workspace" }),
    thread: z.string().nullable().meta({ description: "The platform's thread, where the channel has them" }),
    status: z.enum(CONVERSATION_STATUSES),
    unreadCount: z.number().int(),
    lastMessageAt: timestamp,
    lastMessagePreview: z.string().nullable(),
    analysis: analysisViewSchema.nullable().meta({ description: "The conversation's analysis; null until one is requested" }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Conversation" });

export const conversationChangesSchema = z
  .object({
    messages: z.array(messageSchema),
    conversations: z.array(conversationSchema),
    next: z.string().meta({ description: "Pass as `since` to the next poll" }),
    hasMore: z.boolean().meta({ description: "More changes are waiting: poll again at once" }),
  })
  .meta({ id: "ConversationChanges" });

export const optOutSchema = z
  .object({
    id: z.string().meta({ example: "opt_V1StGXR8Z5jdHi6BmyT12" }),
    channel: z.enum(CHANNELS),
    address: z.string().meta({ description: "E.164 for SMS, lower case for email" }),
    source: z.enum(OPT_OUT_SOURCES).meta({ description: "keyword (STOP), provider (e.g. Twilio 21610), bounce, complaint, operator" }),
    reason: z.string(),
    receivedBy: z.string().nullable().meta({ description: "Our endpoint the keyword was sent to" }),
    note: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "OptOut" });

export const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), message: z.string().optional() })),
  })
  .meta({ id: "Health" });

export const deletedSchema = z.object({ id: z.string(), deleted: z.literal(true) }).meta({ id: "Deleted" });

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const errorBodySchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
      message: z.string(),
      retryable: z.boolean(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
    meta: z.object({ requestId: z.string() }),
  })
  .meta({ id: "Error" });

export function envelopeOf<T extends z.ZodType>(data: T) {
  return z.object({
    success: z.literal(true),
    data,
    meta: z.object({ requestId: z.string(), duration: z.number() }),
  });
}
