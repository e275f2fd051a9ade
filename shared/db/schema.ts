import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ConversationStatus } from "../domain/conversation-status";
import type { Channel, Direction, EventSource, MessageStatus, ProviderType } from "../domain/enums";
import type { MessageContent } from "../domain/message-content";
import type { OptOutSource } from "../domain/opt-out";
import type { ApiKeyScope } from "../domain/scopes";

/** All times are ISO-8601 UTC strings: they sort lexically and map straight onto the API. */
const createdAt = () => text("created_at").notNull();
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
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
    status: text("status").$type<MessageStatus>().notNull(),
    providerId: text("provider_id"),
    providerMessageId: text("provider_message_id"),
    cost: real("cost"),
    idempotencyKey: text("idempotency_key"),
    requestHash: text("request_hash"),
    scheduledAt: text("scheduled_at"),
    sentAt: text("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** While set and in the future, one consumer owns the `sending` message. */
    leaseExpiresAt: text("lease_expires_at"),
    metadata: json<Record<string, unknown>>("metadata").notNull().default(sql`'{}'`),
    requestId: text("request_id"),
    /** The conversation the message belongs to; null for a send to a counterpart with none. */
    conversationId: text("conversation_id"),
    /**
     * The tenant's change sequence at this row's last visible change, set by triggers (see the
     * conversations migration) only for conversation messages: `GET /v1/conversations/changes`.
     */
    changeSeq: integer("change_seq"),
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
  (t) => [index("dead_letters_tenant").on(t.tenantId, t.deadLetteredAt, t.id), index("dead_letters_message").on(t.messageId)],
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

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ProviderConfigRow = typeof providerConfigs.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type MessageEventRow = typeof messageEvents.$inferSelect;
export type DeadLetterRow = typeof deadLetters.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type OptOutRow = typeof optOuts.$inferSelect;
