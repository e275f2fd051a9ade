import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { MessageRow } from "../../shared/db/schema";
import type { DeliveryJob } from "../../shared/queue/delivery-job";
import worker from "../../workers/dispatch/index";
import { insertMessage, insertProvider, type ProviderRow } from "./d1-fixtures";

export { db, eventsOf, messageRow, newTenant } from "./d1-fixtures";

type ProviderSpec = Partial<Omit<ProviderRow, "tenantId">> & { tenantId: string | null };

/** A provider with dispatch-test defaults: a `system` SMS provider named after its priority. */
export function addProvider(spec: ProviderSpec): Promise<string> {
  return insertProvider({ type: "system", channel: "sms", name: `p${spec.priority ?? 0}`, config: {}, ...spec });
}

/** A message as ingest leaves it: `queued`. */
export function queuedMessage(tenantId: string, overrides: Partial<MessageRow> = {}): Promise<MessageRow> {
  return insertMessage(tenantId, overrides);
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
