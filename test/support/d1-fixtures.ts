import { env } from "cloudflare:workers";
import { keyringFromEnv, seal } from "../../shared/crypto/credential-cipher";
import { database } from "../../shared/db/database";
import { timelineOf } from "../../shared/db/message-timeline";
import { type MessageRow, messages, providerConfigs, tenants } from "../../shared/db/schema";
import type { Channel, ProviderType } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";

/** Rows written straight into D1, for tests of the workers that read them (no worker imported here). */
export const db = () => database(env.DB);

export async function newTenant(name = "test tenant"): Promise<string> {
  const id = newId("tenant");
  await db().insert(tenants).values({ id, name, createdAt: new Date().toISOString() });
  return id;
}

export type ProviderRow = {
  tenantId: string | null;
  type: ProviderType;
  channel: Channel;
  name: string;
  config: Record<string, unknown>;
  priority?: number;
  metadata?: Record<string, unknown>;
  enabled?: boolean;
};

/** A provider config sealed exactly as the API would seal it. */
export async function insertProvider(spec: ProviderRow): Promise<string> {
  const id = newId("provider");
  const sealed = await seal(keyringFromEnv(env), id, spec.config);
  const now = new Date().toISOString();
  await db()
    .insert(providerConfigs)
    .values({
      id,
      tenantId: spec.tenantId,
      type: spec.type,
      channel: spec.channel,
      name: spec.name,
      encryptedConfig: sealed.ciphertext,
      keyVersion: sealed.keyVersion,
      mask: "",
      enabled: spec.enabled ?? true,
      priority: spec.priority ?? 0,
      metadata: spec.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    });
  return id;
}

/** An outbound SMS row, not stored; `overrides` set everything else (status, provider, times…). */
export function messageRowOf(tenantId: string, overrides: Partial<MessageRow> = {}): MessageRow {
  const now = new Date().toISOString();
  return {
    id: newId("message"),
    tenantId,
    channel: "sms",
    direction: "outbound",
    recipient: "+14155550100",
    sender: null,
    subject: null,
    content: { text: "hello" },
    email: null,
    status: "queued",
    providerId: null,
    providerMessageId: null,
    cost: null,
    currency: null,
    segments: null,
    priceDueAt: null,
    idempotencyKey: null,
    requestHash: null,
    scheduledAt: null,
    sentAt: null,
    attempts: 0,
    lastError: null,
    leaseExpiresAt: null,
    retryAt: null,
    templateId: null,
    templateVersion: null,
    metadata: {},
    requestId: "req_test",
    conversationId: null,
    changeSeq: null,
    pinnedProviderId: null,
    acceptedReason: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** `messageRowOf`, stored. */
export async function insertMessage(tenantId: string, overrides: Partial<MessageRow> = {}): Promise<MessageRow> {
  const row = messageRowOf(tenantId, overrides);
  await db().insert(messages).values(row);
  return row;
}

export async function messageRow(id: string): Promise<MessageRow> {
  const row = await db().query.messages.findFirst({ where: (m, { eq }) => eq(m.id, id) });
  if (!row) throw new Error(`message ${id} is gone`);
  return row;
}

/** A message's timeline as its readers show it: its acceptance (kept on its row, if ingest accepted it), then its stored events. */
export async function eventsOf(messageId: string) {
  const [row, stored] = await Promise.all([
    db().query.messages.findFirst({ where: (m, { eq }) => eq(m.id, messageId) }),
    db().query.messageEvents.findMany({
      where: (e, { eq }) => eq(e.messageId, messageId),
      orderBy: (e, { asc }) => [asc(e.occurredAt), asc(e.id)],
    }),
  ]);
  return row ? timelineOf(row, stored) : stored;
}
