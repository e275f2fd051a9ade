import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { keyringFromEnv, seal } from "../../shared/crypto/credential-cipher";
import { database } from "../../shared/db/database";
import { type MessageRow, messages, providerConfigs, tenants } from "../../shared/db/schema";
import type { Channel, ProviderType } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import type { DeliveryJob } from "../../shared/queue/delivery-job";
import worker from "../../workers/dispatch/index";

export const db = () => database(env.DB);

export async function newTenant(): Promise<string> {
  const id = newId("tenant");
  await db().insert(tenants).values({ id, name: "dispatch test", createdAt: new Date().toISOString() });
  return id;
}

type ProviderSpec = {
  tenantId: string | null;
  type?: ProviderType;
  channel?: Channel;
  priority?: number;
  config?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  enabled?: boolean;
};

export async function addProvider(spec: ProviderSpec): Promise<string> {
  const id = newId("provider");
  const sealed = await seal(keyringFromEnv(env), id, spec.config ?? {});
  const now = new Date().toISOString();
  await db()
    .insert(providerConfigs)
    .values({
      id,
      tenantId: spec.tenantId,
      type: spec.type ?? "system",
      channel: spec.channel ?? "sms",
      name: `p${spec.priority ?? 0}`,
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

export async function queuedMessage(tenantId: string, overrides: Partial<MessageRow> = {}): Promise<MessageRow> {
  const now = new Date().toISOString();
  const row: MessageRow = {
    id: newId("message"),
    tenantId,
    channel: "sms",
    direction: "outbound",
    recipient: "+14155550100",
    sender: null,
    subject: null,
    content: { text: "hello" },
    status: "queued",
    providerId: null,
    providerMessageId: null,
    cost: null,
    idempotencyKey: null,
    requestHash: null,
    scheduledAt: null,
    sentAt: null,
    attempts: 0,
    lastError: null,
    leaseExpiresAt: null,
    metadata: {},
    requestId: "req_test",
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await db().insert(messages).values(row);
  return row;
}

let sequence = 0;
export function batchOf(rows: { id: string; tenantId: string }[], queue = "delivery", attempts = 1) {
  return createMessageBatch<DeliveryJob>(
    queue,
    rows.map((row) => ({
      id: `qm-${++sequence}`,
      timestamp: new Date(),
      attempts,
      body: { messageId: row.id, tenantId: row.tenantId, requestId: "req_test" },
    })),
  );
}

/** Runs the dispatch worker's queue handler on a batch, as the runtime would. */
export async function consume(batch: MessageBatch<DeliveryJob>, bindings: Cloudflare.Env = env) {
  const ctx = createExecutionContext();
  await worker.queue(batch, bindings);
  return getQueueResult(batch, ctx);
}

export async function messageRow(id: string) {
  const row = await db().query.messages.findFirst({ where: (m, { eq }) => eq(m.id, id) });
  if (!row) throw new Error(`message ${id} is gone`);
  return row;
}

export async function eventsOf(id: string) {
  return db().query.messageEvents.findMany({
    where: (e, { eq }) => eq(e.messageId, id),
    orderBy: (e, { asc }) => [asc(e.occurredAt), asc(e.id)],
  });
}
