import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { AnalysisStatus, AnalyzerName, Priority, Sentiment } from "../analysis/analysis-result";
import type { AnalysisRule } from "../analysis/analysis-rule";
import type { AlertChannel, AlertKind } from "../domain/alert-rule";
import type { ConversationStatus } from "../domain/conversation-status";
import type { EmailEnvelope } from "../domain/email-envelope";
import type { Channel, DevicePlatform, Direction, EventSource, MessageStatus, ProviderType } from "../domain/enums";
import type { MediaStatus } from "../domain/media-status";
import type { MessageContent } from "../domain/message-content";
import type { OptOutSource } from "../domain/opt-out";
import type { Pricing } from "../domain/pricing";
import type { Quotas } from "../domain/quotas";
import type { ApiKeyScope } from "../domain/scopes";
import type { TemplateParts } from "../domain/template-parts";
import type { EventType } from "../events/event-types";

/** All times are ISO-8601 UTC strings: they sort lexically and map straight onto the API. */
const createdAt = () => text("created_at").notNull();
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Messages accepted per calendar month (UTC) and channel; a channel not named has no quota. */
  quotas: json<Quotas>("quotas").notNull().default(sql`'{}'`),
  /** Finished messages older than this move to the R2 archive. */
  retentionDays: integer("retention_days").notNull().default(30),
  createdAt: createdAt(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    /** null = an ops key: sees every tenant. */
    tenantId: text("tenant_id").references(() => tenants.id),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    scopes: json<ApiKeyScope[]>("scopes").notNull(),
    createdAt: createdAt(),
    revokedAt: text("revoked_at"),
    /** When the key last authenticated an API request, to the minute: written at most once a minute per key and isolate. */
    lastUsedAt: text("last_used_at"),
  },
  (t) => [uniqueIndex("api_keys_key_hash").on(t.keyHash), index("api_keys_tenant").on(t.tenantId)],
);

export const providerConfigs = sqliteTable(
  "provider_configs",
  {
    id: text("id").primaryKey(),
    /** null = system default, used by tenants with no enabled config for the channel. */
    tenantId: text("tenant_id").references(() => tenants.id),
    type: text("type").$type<ProviderType>().notNull(),
    channel: text("channel").$type<Channel>().notNull(),
    name: text("name").notNull(),
    encryptedConfig: text("encrypted_config").notNull(),
    keyVersion: integer("key_version").notNull(),
    mask: text("mask").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    priority: integer("priority").notNull().default(0),
    /** The unit price of a send, for a provider that reports none. */
    pricing: json<Pricing>("pricing"),
    metadata: json<Record<string, unknown>>("metadata").notNull().default(sql`'{}'`),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("provider_configs_tenant_channel").on(t.tenantId, t.channel, t.priority)],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    channel: text("channel").$type<Channel>().notNull(),
    direction: text("direction").$type<Direction>().notNull(),
    recipient: text("recipient").notNull(),
    sender: text("sender"),
    subject: text("subject"),
    content: json<MessageContent>("content").notNull(),
    /** An email's further recipients, reply-to, custom headers and attachments (their bytes in R2); null when it has none. */
    email: json<EmailEnvelope>("email"),
    status: text("status").$type<MessageStatus>().notNull(),
    providerId: text("provider_id"),
    providerMessageId: text("provider_message_id"),
    cost: real("cost"),
    /** ISO 4217 code of `cost`. */
    currency: text("currency"),
    /** SMS segments billed (GSM-7 / UCS-2, concatenated); null for other channels. */
    segments: integer("segments"),
    idempotencyKey: text("idempotency_key"),
    requestHash: text("request_hash"),
    scheduledAt: text("scheduled_at"),
    sentAt: text("sent_at"),
    /**
     * When the cron next asks the provider what a sent message cost (Twilio reports `price` only
     * later); null once priced, given up, or never needed.
     */
    priceDueAt: text("price_due_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** While set and in the future, one consumer owns the `sending` message. */
    leaseExpiresAt: text("lease_expires_at"),
    /** When a `sending` message waiting for a retry is due: until then the sweeper leaves it alone. */
    retryAt: text("retry_at"),
    metadata: json<Record<string, unknown>>("metadata").notNull().default(sql`'{}'`),
    requestId: text("request_id"),
    /** The template version the content was rendered from (null when the request gave content). */
    templateId: text("template_id"),
    templateVersion: integer("template_version"),
    /** The conversation the message belongs to; null for a send to a counterpart with none. */
    conversationId: text("conversation_id"),
    /**
     * The tenant's change sequence at this row's last visible change, set by triggers (see the
     * conversations migration) only for conversation messages: `GET /v1/conversations/changes`.
     */
    changeSeq: integer("change_seq"),
    /**
     * A reply goes out only through its conversation's provider (the number or bot the thread is
     * on), never failed over to another; null for every other message.
     */
    pinnedProviderId: text("pinned_provider_id"),
    /**
     * Why ingest accepted the message: its first event (`queued`) kept on its own row, not as a row
     * of `message_events`, so accepting writes one row where it wrote two (README, Performance).
     * `shared/db/message-timeline.ts` puts it back at the head of the timeline. Null for a message
     * made any other way (inbound, alerts, auto-replies, accepted before migration 0018): its
     * first event is a row of `message_events`.
     */
    acceptedReason: text("accepted_reason"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("messages_tenant_created").on(t.tenantId, t.createdAt, t.id),
    index("messages_conversation").on(t.conversationId, t.createdAt, t.id).where(sql`${t.conversationId} IS NOT NULL`),
    index("messages_change_seq").on(t.tenantId, t.changeSeq).where(sql`${t.changeSeq} IS NOT NULL`),
    // Partial: a message has no provider message id until sent, so accepting one costs no entry.
    index("messages_provider_message_id").on(t.providerMessageId).where(sql`${t.providerMessageId} IS NOT NULL`),
    index("messages_status_updated").on(t.status, t.updatedAt),
    // Partial: only a sent message still waiting for its provider's price has an entry.
    index("messages_price_due").on(t.priceDueAt).where(sql`${t.priceDueAt} IS NOT NULL`),
  ],
);

export const messageEvents = sqliteTable(
  "message_events",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull(),
    status: text("status").$type<MessageStatus>().notNull(),
    reason: text("reason"),
    source: text("source").$type<EventSource>().notNull(),
    providerId: text("provider_id"),
    rawPayload: json<unknown>("raw_payload"),
    /** Set on provider callbacks so a replayed callback records nothing twice. */
    dedupeKey: text("dedupe_key"),
    requestId: text("request_id"),
    occurredAt: text("occurred_at").notNull(),
  },
  (t) => [
    index("message_events_message").on(t.messageId, t.occurredAt),
    // Only provider callbacks carry a dedupe key; internal events add no entry.
    uniqueIndex("message_events_dedupe_key").on(t.dedupeKey).where(sql`${t.dedupeKey} IS NOT NULL`),
  ],
);

/**
 * Verified provider callbacks that named no message Relay knows (yet): kept for diagnosis,
 * deduplicated like events. `message_events.message_id` is required, so they live apart.
 */
export const unmatchedCallbacks = sqliteTable(
  "unmatched_callbacks",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id").notNull(),
    /** The provider's tenant; null for a system default provider. */
    tenantId: text("tenant_id"),
    providerMessageId: text("provider_message_id"),
    /** The provider's name for what happened, e.g. `delivered`, `email.bounced`, `Bounce`. */
    kind: text("kind").notNull(),
    /** The status the callback would have recorded, and why. */
    status: text("status").$type<MessageStatus>(),
    reason: text("reason"),
    payload: json<unknown>("payload").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    requestId: text("request_id"),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [
    uniqueIndex("unmatched_callbacks_dedupe_key").on(t.dedupeKey),
    index("unmatched_callbacks_provider_message").on(t.providerId, t.providerMessageId),
    // The retention purge walks the oldest first.
    index("unmatched_callbacks_received").on(t.receivedAt),
  ],
);

export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    providerId: text("provider_id"),
    lastError: text("last_error"),
    attempts: integer("attempts").notNull(),
    body: json<unknown>("body").notNull(),
    deadLetteredAt: text("dead_lettered_at").notNull(),
    redrivenAt: text("redriven_at"),
    discardedAt: text("discarded_at"),
  },
  (t) => [
    index("dead_letters_tenant").on(t.tenantId, t.deadLetteredAt, t.id),
    index("dead_letters_message").on(t.messageId),
    // Partial, for the retention purge of resolved letters: a pending letter has no entry in either.
    index("dead_letters_redriven").on(t.redrivenAt).where(sql`${t.redrivenAt} IS NOT NULL`),
    index("dead_letters_discarded").on(t.discardedAt).where(sql`${t.discardedAt} IS NOT NULL`),
  ],
);

/** Stripe-style idempotency: one row per (tenant, key), kept 24 h. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    tenantId: text("tenant_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status").notNull(),
    responseBody: json<unknown>("response_body").notNull(),
    createdAt: createdAt(),
    /** null while the request that claimed the key is still enqueuing. */
    completedAt: text("completed_at"),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] }), index("idempotency_keys_expires").on(t.expiresAt)],
);

/**
 * A dashboard sign-in. The cookie carries a random session token; only its SHA-256 is stored,
 * so a copy of this table opens no session. Deleting the row ends the session at once.
 */
export const dashboardSessions = sqliteTable(
  "dashboard_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    keyId: text("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    /** The session's CSRF token, carried by every form of its pages. */
    csrf: text("csrf").notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [index("dashboard_sessions_key").on(t.keyId), index("dashboard_sessions_expires").on(t.expiresAt)],
);

/**
 * Messages accepted per tenant, channel and month, kept only while the tenant has a quota for
 * the channel. Acceptance adds to the count in its own batch; the CHECK fails that batch — so
 * nothing is stored — once the count would pass the quota.
 */
export const usageCounters = sqliteTable(
  "usage_counters",
  {
    tenantId: text("tenant_id").notNull(),
    channel: text("channel").$type<Channel>().notNull(),
    /** `YYYY-MM`, UTC. */
    period: text("period").notNull(),
    count: integer("count").notNull(),
    /** null while the row only carries the count (set when a quota is set, before any send). */
    quota: integer("quota"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.channel, t.period] }),
    check("usage_counters_within_quota", sql`${t.quota} IS NULL OR ${t.count} <= ${t.quota}`),
  ],
);

/** One archive pass: every tenant's messages past their retention (`before` null), or up to `before`. */
export const archiveRuns = sqliteTable("archive_runs", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id"),
  before: text("before"),
  status: text("status").$type<"running" | "done" | "failed">().notNull(),
  archived: integer("archived").notNull().default(0),
  objects: integer("objects").notNull().default(0),
  /** The last tenant finished, in id order: a pass resumes after it. */
  tenantCursor: text("tenant_cursor"),
  error: text("error"),
  requestedBy: text("requested_by"),
  startedAt: text("started_at").notNull(),
  updatedAt: text("updated_at").notNull(),
  finishedAt: text("finished_at"),
});

/**
 * One archive object, written as an intent before the object exists: `pending` until its
 * messages leave D1 in the same batch that marks it `done`. Done chunks are the archive's
 * catalog (tenant, day → object).
 */
export const archiveChunks = sqliteTable(
  "archive_chunks",
  {
    key: text("key").primaryKey(),
    runId: text("run_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    /** `YYYY-MM-DD` (UTC) the chunk's messages were created. */
    day: text("day").notNull(),
    messageIds: json<string[]>("message_ids").notNull(),
    state: text("state").$type<"pending" | "done" | "stale">().notNull(),
    /** The pass that finished it: two passes finishing one chunk at once, only one deletes. */
    finishedBy: text("finished_by"),
    createdAt: createdAt(),
  },
  (t) => [index("archive_chunks_tenant_day").on(t.tenantId, t.day), index("archive_chunks_state").on(t.state)],
);

/** Where an archived message lives, so `GET /v1/messages/:id` still finds it. */
export const archivedMessages = sqliteTable("archived_messages", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  objectKey: text("object_key").notNull(),
});

/**
 * Where a polled provider's inbound stream stands (Telegram's getUpdates offset): advanced only
 * after what came before it is recorded, and never backwards.
 */
export const inboundPollOffsets = sqliteTable("inbound_poll_offsets", {
  providerId: text("provider_id").primaryKey(),
  nextOffset: integer("next_offset").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * A device that receives push notifications: an FCM (or APNs) registration token, or a Web Push
 * subscription (its endpoint as `address`, its keys apart). Tokens are personal data like phone
 * numbers: never logged, shown only as a hint. `contactId` is the tenant's contact it belongs to.
 */
export const devices = sqliteTable(
  "devices",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    platform: text("platform").$type<DevicePlatform>().notNull(),
    /** The registration token, or the Web Push subscription's endpoint. */
    address: text("address").notNull(),
    /** Web Push only: the subscription's `p256dh` and `auth`. */
    keys: json<{ p256dh: string; auth: string }>("keys"),
    contactId: text("contact_id"),
    lastSeenAt: text("last_seen_at").notNull(),
    /** Set when the platform said the token or subscription is gone: never sent to again. */
    invalidAt: text("invalid_at"),
    invalidReason: text("invalid_reason"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("devices_tenant_address").on(t.tenantId, t.platform, t.address),
    index("devices_tenant_contact").on(t.tenantId, t.contactId).where(sql`${t.contactId} IS NOT NULL`),
    index("devices_tenant_created").on(t.tenantId, t.createdAt, t.id),
  ],
);

/** A tenant's template; its content lives in immutable versions, `currentVersion` the newest. */
export const templates = sqliteTable(
  "templates",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    channel: text("channel").$type<Channel>().notNull(),
    currentVersion: integer("current_version").notNull(),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  // Also the order a tenant's list is read in (by name).
  (t) => [uniqueIndex("templates_tenant_name").on(t.tenantId, t.name)],
);

/** Never updated: every change of a template writes version n+1, so a message's version stays what it rendered. */
export const templateVersions = sqliteTable(
  "template_versions",
  {
    templateId: text("template_id")
      .notNull()
      .references(() => templates.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    defaultLocale: text("default_locale").notNull(),
    content: json<TemplateParts>("content").notNull(),
    locales: json<Record<string, TemplateParts>>("locales").notNull().default(sql`'{}'`),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.version] })],
);

/**
 * A tenant's event webhook endpoint (Standard Webhooks). Its signing secrets (the current one,
 * and during a rotation's overlap the previous one) are sealed with the credential cipher.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    url: text("url").notNull(),
    description: text("description"),
    /** Empty: every event type. */
    eventTypes: json<EventType[]>("event_types").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    encryptedSecrets: text("encrypted_secrets").notNull(),
    keyVersion: integer("key_version").notNull(),
    secretMask: text("secret_mask").notNull(),
    /** Failed attempts since the last success, and when that run began: what disables an endpoint. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    failingSince: text("failing_since"),
    disabledReason: text("disabled_reason"),
    disabledAt: text("disabled_at"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_tenant").on(t.tenantId, t.createdAt)],
);

/** An event as tenants receive it, stored once per event for its deliveries and replays. */
export const tenantEvents = sqliteTable(
  "tenant_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    type: text("type").notNull(),
    /** The exact JSON body every delivery of this event posts. */
    payload: text("payload").notNull(),
    occurredAt: text("occurred_at").notNull(),
  },
  (t) => [index("tenant_events_tenant_occurred").on(t.tenantId, t.occurredAt)],
);

/** One event on its way to one endpoint: retried on the `events` queue until it succeeds or runs out. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    state: text("state").$type<"pending" | "succeeded" | "failed">().notNull(),
    /** Attempts made; a queue job names the count it expects, so a duplicate job finds it moved on. */
    attempts: integer("attempts").notNull().default(0),
    /** A pending delivery not attempted by then is put back on the queue by the cron. */
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("webhook_deliveries_endpoint").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_pending").on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
  ],
);

/** Every POST to an endpoint: status, latency and the start of the answer (never a secret). */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id").notNull(),
    deliveryId: text("delivery_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    attempt: integer("attempt").notNull(),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    attemptedAt: text("attempted_at").notNull(),
  },
  (t) => [index("webhook_attempts_endpoint").on(t.endpointId, t.attemptedAt, t.id)],
);

/**
 * How far the event fan-out has read a source (`message_events` by rowid, which D1's serialized
 * writes make commit-ordered), and the id of the row at that position (to notice a renumbering).
 */
export const eventCursors = sqliteTable("event_cursors", {
  name: text("name").primaryKey(),
  position: integer("position").notNull(),
  eventId: text("event_id"),
  updatedAt: text("updated_at").notNull(),
});

/** A person a tenant talks to, on any channel. */
export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name"),
    /** E.164, unique per tenant. */
    phone: text("phone"),
    email: text("email"),
    telegramChatId: text("telegram_chat_id"),
    slackUserId: text("slack_user_id"),
    metadata: json<Record<string, unknown>>("metadata").notNull().default(sql`'{}'`),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("contacts_tenant_created").on(t.tenantId, t.createdAt, t.id),
    uniqueIndex("contacts_tenant_phone").on(t.tenantId, t.phone).where(sql`${t.phone} IS NOT NULL`),
    index("contacts_tenant_email").on(t.tenantId, t.email).where(sql`${t.email} IS NOT NULL`),
    index("contacts_tenant_telegram").on(t.tenantId, t.telegramChatId).where(sql`${t.telegramChatId} IS NOT NULL`),
    index("contacts_tenant_slack").on(t.tenantId, t.slackUserId).where(sql`${t.slackUserId} IS NOT NULL`),
  ],
);

/**
 * The messages between one of our endpoints and one of theirs on a channel (and the platform's
 * thread, where it has one). Without a platform thread, silence longer than the tenant's idle
 * gap starts a new conversation of the same pair.
 */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    channel: text("channel").$type<Channel>().notNull(),
    /** The provider the conversation arrived through; replies prefer it. */
    providerId: text("provider_id"),
    ourEndpoint: text("our_endpoint").notNull(),
    theirEndpoint: text("their_endpoint").notNull(),
    /** The platform's thread ('' when the channel has none), part of the conversation's key. */
    thread: text("thread").notNull().default(""),
    contactId: text("contact_id"),
    status: text("status").$type<ConversationStatus>().notNull().default("open"),
    unreadCount: integer("unread_count").notNull().default(0),
    lastMessageAt: text("last_message_at").notNull(),
    lastMessagePreview: text("last_message_preview"),
    /** Set by triggers, like messages.change_seq. */
    changeSeq: integer("change_seq"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("conversations_pair").on(t.tenantId, t.channel, t.theirEndpoint, t.ourEndpoint, t.thread, t.lastMessageAt),
    index("conversations_tenant_activity").on(t.tenantId, t.lastMessageAt, t.id),
    index("conversations_change_seq").on(t.tenantId, t.changeSeq),
    index("conversations_contact").on(t.contactId).where(sql`${t.contactId} IS NOT NULL`),
  ],
);

/** One counter per tenant: every visible change of a conversation or of its messages takes the next value, in commit order. */
export const changeCounters = sqliteTable("change_counters", {
  tenantId: text("tenant_id").primaryKey(),
  value: integer("value").notNull(),
});

/** A tenant's conversation settings; a tenant without a row has the defaults. */
export const conversationSettings = sqliteTable("conversation_settings", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id),
  /** Silence after which a message starts a new conversation of the same pair (channels without threads). */
  idleGapMinutes: integer("idle_gap_minutes").notNull(),
  /** The answer to an inbound SMS `HELP`; null: no answer. */
  helpReply: text("help_reply"),
  updatedAt: text("updated_at").notNull(),
});

/**
 * Addresses a tenant must not send to on a channel: the recipient said STOP, the provider
 * reported them unsubscribed, or their mail hard-bounced or complained. Lifted only by an
 * operator (delete) or the recipient (START).
 */
export const optOuts = sqliteTable(
  "opt_outs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    channel: text("channel").$type<Channel>().notNull(),
    /** E.164 for SMS, lower-case for email. */
    address: text("address").notNull(),
    source: text("source").$type<OptOutSource>().notNull(),
    reason: text("reason").notNull(),
    /** Our endpoint the keyword was sent to, when it came by keyword. */
    receivedBy: text("received_by"),
    note: text("note"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("opt_outs_address").on(t.tenantId, t.channel, t.address),
    index("opt_outs_tenant_created").on(t.tenantId, t.createdAt, t.id),
  ],
);

/**
 * A file that came with an inbound message (MMS media, a Telegram photo or document, a Slack
 * file): recorded `pending` with the message, then fetched from the provider into the MEDIA
 * bucket (key `{tenantId}/{id}`) — `stored`, or `failed` with the reason once retries run out.
 */
export const media = sqliteTable(
  "media",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    messageId: text("message_id").notNull(),
    providerId: text("provider_id").notNull(),
    /** Its place among the message's attachments, from 0. */
    position: integer("position").notNull(),
    /** Where the provider keeps it: Twilio's MediaUrl, `telegram-file:<file_id>`, Slack's url_private. Never shown. */
    source: text("source").notNull(),
    contentType: text("content_type"),
    name: text("name"),
    /** Bytes stored; null until stored. */
    size: integer("size"),
    status: text("status").$type<MediaStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("media_message").on(t.messageId, t.position),
    // Only what still waits for a fetch: the webhooks cron's retries.
    index("media_pending").on(t.updatedAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** What a filter-wide dead-letter operation matches (the dashboard's and the API's list filter). */

/**
 * A redrive or discard of every pending dead letter matching a filter, worked through in
 * chunks (by the request that starts it, the progress page and the dispatch cron) under a
 * lease, so thousands never hold one Worker invocation and a crash resumes at the cursor.
 */
export const bulkOperations = sqliteTable(
  "bulk_operations",
  {
    id: text("id").primaryKey(),
    /** The tenant it may touch; null = an ops operation over every tenant the filter matches. */
    tenantId: text("tenant_id"),
    action: text("action").$type<"redrive" | "discard">().notNull(),
    filter: json<DeadLetterMatch>("filter").notNull(),
    /** Redrive only: the provider each message tries first. */
    targetProviderId: text("target_provider_id"),
    state: text("state").$type<"running" | "done">().notNull(),
    /** Only dead letters written up to the start are matched, so the work has an end. */
    upTo: text("up_to").notNull(),
    cursorAt: text("cursor_at"),
    cursorId: text("cursor_id"),
    /** How many pending dead letters matched at the start. */
    total: integer("total").notNull(),
    processed: integer("processed").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    /** Why the last chunk stopped short (the queue was down); the next one retries. */
    lastError: text("last_error"),
    leaseUntil: text("lease_until"),
    createdByKeyId: text("created_by_key_id").notNull(),
    requestId: text("request_id").notNull(),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [index("bulk_operations_state").on(t.state), index("bulk_operations_tenant").on(t.tenantId, t.createdAt)],
);

/** Ops' and tenant admins' actions: who (the key), what, on what, when, from where. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    /** The tenant acted on; null = an ops action on no one tenant. */
    tenantId: text("tenant_id"),
    actorKeyId: text("actor_key_id").notNull(),
    action: text("action").notNull(),
    target: text("target"),
    details: json<Record<string, unknown>>("details").notNull().default(sql`'{}'`),
    clientAddress: text("client_address"),
    requestId: text("request_id"),
    occurredAt: text("occurred_at").notNull(),
  },
  (t) => [index("audit_log_tenant").on(t.tenantId, t.occurredAt, t.id), index("audit_log_time").on(t.occurredAt, t.id)],
);

/**
 * A tenant's alert: when its dead letters, or one provider's failures, cross a threshold over a
 * window, the dispatch cron sends one notification through Relay itself (a message of the
 * tenant), then stays quiet while the condition holds and for at least the cool-down.
 */
export const alertRules = sqliteTable(
  "alert_rules",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    kind: text("kind").$type<AlertKind>().notNull(),
    /** Dead letters written in the window, or the percentage of a provider's attempts that failed. */
    threshold: integer("threshold").notNull(),
    /** Provider failures only: fewer attempts than this in the window never alert. */
    minAttempts: integer("min_attempts"),
    windowMinutes: integer("window_minutes").notNull(),
    /** Provider failures only: the provider watched. */
    providerId: text("provider_id"),
    notifyChannel: text("notify_channel").$type<AlertChannel>().notNull(),
    notifyTo: text("notify_to").notNull(),
    cooldownMinutes: integer("cooldown_minutes").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** `firing` from a notification until the condition clears: one notification per crossing. */
    state: text("state").$type<"ok" | "firing">().notNull().default("ok"),
    lastFiredAt: text("last_fired_at"),
    lastMessageId: text("last_message_id"),
    /** What the condition measured when it last changed state. */
    lastValue: integer("last_value"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("alert_rules_tenant").on(t.tenantId, t.createdAt, t.id)],
);

/** A tenant's conversation analysis settings; a tenant without a row has analysis off. */
export const analysisSettings = sqliteTable("analysis_settings", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  analyzer: text("analyzer").$type<AnalyzerName>().notNull(),
  model: text("model"),
  baseUrl: text("base_url"),
  /** The openai-compatible key, sealed like provider credentials (associated data: `analysis:<tenantId>`). */
  encryptedApiKey: text("encrypted_api_key"),
  keyVersion: integer("key_version"),
  apiKeyMask: text("api_key_mask"),
  categories: json<string[]>("categories").notNull(),
  rules: json<AnalysisRule[]>("rules").notNull(),
  /** Categories whose analysed conversations get the suggested reply sent automatically (empty: auto-reply off). */
  autoReplyCategories: json<string[]>("auto_reply_categories").notNull().default(sql`'[]'`),
  redact: integer("redact", { mode: "boolean" }).notNull(),
  monthlyTokenBudget: integer("monthly_token_budget"),
  maxContextMessages: integer("max_context_messages").notNull(),
  maxContextCharacters: integer("max_context_characters").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * A conversation's analysis: the last result, and the request in flight. `pending` with `due_at`
 * is the debounce marker (a burst of messages moves `due_at` on; only the job for the last one
 * runs); `lease_until` is the claim of the consumer running it; `retry_at` the backoff of a failed try.
 */
export const conversationAnalyses = sqliteTable(
  "conversation_analyses",
  {
    conversationId: text("conversation_id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    status: text("status").$type<AnalysisStatus>().notNull(),
    dueAt: text("due_at").notNull(),
    leaseUntil: text("lease_until"),
    retryAt: text("retry_at"),
    /** Failed tries of the current request (a new request starts again at 0). */
    failures: integer("failures").notNull().default(0),
    analyzer: text("analyzer").$type<AnalyzerName>(),
    category: text("category"),
    priority: text("priority").$type<Priority>(),
    /** 0 urgent … 3 low, for sorting. */
    priorityRank: integer("priority_rank"),
    summary: text("summary"),
    sentiment: text("sentiment").$type<Sentiment>(),
    language: text("language"),
    needsReply: integer("needs_reply", { mode: "boolean" }),
    suggestedReply: text("suggested_reply"),
    /** Why it failed, or why rules answered instead of the model. */
    reason: text("reason"),
    tokens: integer("tokens").notNull().default(0),
    analyzedAt: text("analyzed_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("conversation_analyses_tenant_priority").on(t.tenantId, t.priorityRank),
    index("conversation_analyses_tenant_category").on(t.tenantId, t.category),
    index("conversation_analyses_pending").on(t.status, t.dueAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** What happened to a conversation beyond its messages: analyses, fallbacks, failures, auto-replies. */
export const conversationEvents = sqliteTable(
  "conversation_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    type: text("type").notNull(),
    reason: text("reason").notNull(),
    data: json<Record<string, unknown>>("data").notNull().default(sql`'{}'`),
    occurredAt: text("occurred_at").notNull(),
  },
  (t) => [index("conversation_events_conversation").on(t.conversationId, t.occurredAt)],
);

/** Model tokens per tenant and calendar month (UTC), for the budget and the usage page. */
export const analysisUsage = sqliteTable(
  "analysis_usage",
  {
    tenantId: text("tenant_id").notNull(),
    month: text("month").notNull(),
    tokens: integer("tokens").notNull().default(0),
    analyses: integer("analyses").notNull().default(0),
    /** Analyses the rules analyzer answered because the budget was spent. */
    fallbacks: integer("fallbacks").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.month] })],
);

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ProviderConfigRow = typeof providerConfigs.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type MessageEventRow = typeof messageEvents.$inferSelect;
export type DeadLetterRow = typeof deadLetters.$inferSelect;
export type ArchiveRunRow = typeof archiveRuns.$inferSelect;
export type DeviceRow = typeof devices.$inferSelect;
export type MediaRow = typeof media.$inferSelect;
export type TemplateRow = typeof templates.$inferSelect;
export type TemplateVersionRow = typeof templateVersions.$inferSelect;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type OptOutRow = typeof optOuts.$inferSelect;
export type DeadLetterMatch = { tenantId: string | null; providerId?: string; q?: string; since?: string; until?: string };
export type BulkOperationRow = typeof bulkOperations.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;
export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AnalysisSettingsRow = typeof analysisSettings.$inferSelect;
export type ConversationAnalysisRow = typeof conversationAnalyses.$inferSelect;
export type ConversationEventRow = typeof conversationEvents.$inferSelect;
