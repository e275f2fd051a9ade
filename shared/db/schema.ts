import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Channel, Direction, EventSource, MessageStatus, ProviderType } from "../domain/enums";
import type { MessageContent } from "../domain/message-content";
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
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("messages_tenant_created").on(t.tenantId, t.createdAt, t.id),
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

/** What a filter-wide dead-letter operation matches (the dashboard's and the API's list filter). */
export type DeadLetterMatch = { tenantId: string | null; providerId?: string; q?: string; since?: string; until?: string };

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

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ProviderConfigRow = typeof providerConfigs.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type MessageEventRow = typeof messageEvents.$inferSelect;
export type DeadLetterRow = typeof deadLetters.$inferSelect;
export type BulkOperationRow = typeof bulkOperations.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;
