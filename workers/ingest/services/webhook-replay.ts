import { and, asc, eq, gte, inArray, ne } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../../shared/db/database";
import { rowChunks } from "../../../shared/db/row-chunks";
import { tenantEvents, type WebhookEndpointRow, webhookDeliveries } from "../../../shared/db/schema";
import { DEFAULT_EVENT_SWEEP_AFTER_SECONDS, pendingDelivery, replayDeliveryId } from "../../../shared/events/deliveries";
import { TEST_EVENT_TYPE } from "../../../shared/events/event-types";
import { ConflictError, NotFoundError } from "../../../shared/http/errors";
import { type EventDeliveryJob, enqueueDeliveries } from "../../../shared/queue/event-delivery-job";

/** One replay call queues at most this many events; a later `since` continues. */
export const MAX_REPLAY_EVENTS = 500;

function assertEnabled(endpoint: WebhookEndpointRow): void {
  if (!endpoint.enabled) throw new ConflictError("The endpoint is disabled; enable it before replaying");
}

/** New deliveries (same event ids, so the same webhook-id) written first, then queued: the cron sweeps any the queue did not take. */
async function replay(db: Database, queue: Queue<EventDeliveryJob>, endpoint: WebhookEndpointRow, eventIds: string[]) {
  const now = new Date();
  const rows = eventIds.map((eventId) => pendingDelivery(replayDeliveryId(), endpoint.id, eventId, now, DEFAULT_EVENT_SWEEP_AFTER_SECONDS));
  const inserts: BatchItem<"sqlite">[] = rowChunks(rows).map((chunk) => db.insert(webhookDeliveries).values(chunk));
  if (inserts.length > 0) await db.batch(inserts as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  await enqueueDeliveries(
    queue,
    rows.map((row) => ({ deliveryId: row.id, attempts: 0 })),
  );
  return rows;
}

/** Every event of the endpoint's types since `since`, oldest first, delivered again. */
export async function replaySince(db: Database, queue: Queue<EventDeliveryJob>, endpoint: WebhookEndpointRow, since: string) {
  assertEnabled(endpoint);
  const events = await db
    .select({ id: tenantEvents.id, occurredAt: tenantEvents.occurredAt })
    .from(tenantEvents)
    .where(
      and(
        eq(tenantEvents.tenantId, endpoint.tenantId),
        gte(tenantEvents.occurredAt, new Date(since).toISOString()),
        endpoint.eventTypes.length > 0 ? inArray(tenantEvents.type, endpoint.eventTypes) : ne(tenantEvents.type, TEST_EVENT_TYPE),
      ),
    )
    .orderBy(asc(tenantEvents.occurredAt), asc(tenantEvents.id))
    .limit(MAX_REPLAY_EVENTS + 1);
  const chosen = events.slice(0, MAX_REPLAY_EVENTS);
  await replay(
    db,
    queue,
    endpoint,
    chosen.map((event) => event.id),
  );
  const more = events.length > MAX_REPLAY_EVENTS;
  return { replayed: chosen.length, nextSince: more ? (events[MAX_REPLAY_EVENTS]?.occurredAt ?? null) : null };
}

/** One earlier delivery of this endpoint, delivered again as a new delivery. */
export async function replayDelivery(db: Database, queue: Queue<EventDeliveryJob>, endpoint: WebhookEndpointRow, deliveryId: string) {
  const delivery = await db.query.webhookDeliveries.findFirst({
    where: and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpoint.id)),
  });
  if (!delivery) throw new NotFoundError("Delivery");
  assertEnabled(endpoint);
  const [row] = await replay(db, queue, endpoint, [delivery.eventId]);
  return { deliveryId: row.id, eventId: row.eventId };
}
