import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../../shared/db/database";
import { tenantEvents, webhookDeliveries, webhookEndpoints } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { log } from "../../../shared/observability/logger";
import { type EventDeliveryJob, enqueueDeliveries } from "../../../shared/queue/event-delivery-job";

export type TenantEventInput = { tenantId: string; type: string; data: Record<string, unknown>; at: string; dueAt: string };

/**
 * A tenant event that is not a message status (a conversation's analysis, …), for the batch that
 * records what it tells: the event and one pending delivery per enabled endpoint of the tenant
 * that subscribes to its type. They commit with the change or not at all, so none is owed without
 * being recorded; the deliveries are due at `dueAt`, when the cron's sweep queues any the caller
 * could not.
 */
export function tenantEventWrites(db: Database, event: TenantEventInput): BatchItem<"sqlite">[] {
  const eventId = newId("event");
  const payload = JSON.stringify({ id: eventId, type: event.type, timestamp: event.at, data: event.data });
  return [
    db.insert(tenantEvents).values({ id: eventId, tenantId: event.tenantId, type: event.type, payload, occurredAt: event.at }),
    db
      .insert(webhookDeliveries)
      .select(
        db
          .select({
            id: sql<string>`'whd_' || lower(hex(randomblob(12)))`.as("id"),
            endpointId: webhookEndpoints.id,
            eventId: sql<string>`${eventId}`.as("event_id"),
            state: sql<"pending">`'pending'`.as("state"),
            attempts: sql<number>`0`.as("attempts"),
            nextAttemptAt: sql<string>`${event.dueAt}`.as("next_attempt_at"),
            lastError: sql<null>`NULL`.as("last_error"),
            createdAt: sql<string>`${event.at}`.as("created_at"),
            updatedAt: sql<string>`${event.at}`.as("updated_at"),
          })
          .from(webhookEndpoints)
          .where(
            and(
              eq(webhookEndpoints.tenantId, event.tenantId),
              eq(webhookEndpoints.enabled, true),
              sql`(json_array_length(${webhookEndpoints.eventTypes}) = 0
                OR EXISTS (SELECT 1 FROM json_each(${webhookEndpoints.eventTypes}) WHERE value = ${event.type}))`,
            ),
          ),
      )
      .returning({ tenantEventDelivery: webhookDeliveries.id }),
  ];
}

/** The deliveries `tenantEventWrites` made, read from the batch's results. */
export function tenantEventDeliveries(results: unknown[]): EventDeliveryJob[] {
  return results.flatMap((result) =>
    Array.isArray(result)
      ? result.flatMap((row: { tenantEventDelivery?: string }) =>
          row.tenantEventDelivery ? [{ deliveryId: row.tenantEventDelivery, attempts: 0 }] : [],
        )
      : [],
  );
}

/** Queues them now; if the queue refuses, the cron's sweep queues them once due. */
export async function queueTenantEventDeliveries(queue: Queue<EventDeliveryJob>, results: unknown[]): Promise<void> {
  const jobs = tenantEventDeliveries(results);
  if (jobs.length > 0)
    await enqueueDeliveries(queue, jobs).catch((error) => log.warn("events.tenant_event_enqueue_failed", { error: String(error) }));
}
