import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Channel, Direction, EventSource, MessageStatus, ProviderType } from "../domain/enums";
import type { MessageContent } from "../domain/message-content";
import type { ApiKeyScope } from "../domain/scopes";
import type { EventType } from "../events/event-types";

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

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ProviderConfigRow = typeof providerConfigs.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type MessageEventRow = typeof messageEvents.$inferSelect;
export type DeadLetterRow = typeof deadLetters.$inferSelect;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
