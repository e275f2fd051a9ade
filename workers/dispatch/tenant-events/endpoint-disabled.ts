import { and, eq, ne, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database } from "../../../shared/db/database";
import { tenantEvents, webhookDeliveries, webhookEndpoints } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { ENDPOINT_DISABLED } from "../../../shared/events/event-types";

/**
 * The `endpoint.disabled` event of an endpoint this batch disables, in the same D1 batch and after
 * the disabling update: it is recorded only if that update disabled the endpoint at `at` (so once),
 * and delivered to the tenant's other enabled endpoints that subscribe to it (the disabled one
 * receives nothing). The deliveries are pending and due at `dueAt`: queued at once by the caller,
 * or by the cron's sweep if that fails.
 */
export function endpointDisabledWrites(db: Database, endpointId: string, at: string, dueAt: string): BatchItem<"sqlite">[] {
  const eventId = newId("event");
  const other = alias(webhookEndpoints, "other");
  const payload = sql<string>`json_object(
    'id', ${eventId}, 'type', ${ENDPOINT_DISABLED}, 'timestamp', ${at},
    'data', json_object('id', ${webhookEndpoints.id}, 'url', ${webhookEndpoints.url}, 'description', ${webhookEndpoints.description},
      'enabled', json('false'), 'disabledReason', ${webhookEndpoints.disabledReason}, 'disabledAt', ${webhookEndpoints.disabledAt},
      'consecutiveFailures', ${webhookEndpoints.consecutiveFailures}, 'failingSince', ${webhookEndpoints.failingSince}))`;
  return [
    db.insert(tenantEvents).select(
      db
        .select({
          id: sql<string>`${eventId}`.as("id"),
          tenantId: webhookEndpoints.tenantId,
          type: sql<string>`${ENDPOINT_DISABLED}`.as("type"),
          payload: payload.as("payload"),
          occurredAt: sql<string>`${at}`.as("occurred_at"),
        })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, false), eq(webhookEndpoints.disabledAt, at))),
    ),
    db
      .insert(webhookDeliveries)
      .select(
        db
          .select({
            id: sql<string>`'whd_' || lower(hex(randomblob(12)))`.as("id"),
            endpointId: other.id,
            eventId: sql<string>`${eventId}`.as("event_id"),
            state: sql<"pending">`'pending'`.as("state"),
            attempts: sql<number>`0`.as("attempts"),
            nextAttemptAt: sql<string>`${dueAt}`.as("next_attempt_at"),
            lastError: sql<null>`NULL`.as("last_error"),
            createdAt: sql<string>`${at}`.as("created_at"),
            updatedAt: sql<string>`${at}`.as("updated_at"),
          })
          .from(other)
          .where(
            and(
              sql`${other.tenantId} = (SELECT tenant_id FROM webhook_endpoints WHERE id = ${endpointId})`,
              eq(other.enabled, true),
              ne(other.id, endpointId),
              sql`(json_array_length(${other.eventTypes}) = 0
                OR EXISTS (SELECT 1 FROM json_each(${other.eventTypes}) WHERE value = ${ENDPOINT_DISABLED}))`,
              sql`EXISTS (SELECT 1 FROM tenant_events WHERE id = ${eventId})`,
            ),
          ),
      )
      .returning({ disabledEventDelivery: webhookDeliveries.id }),
  ];
}

/** The deliveries `endpointDisabledWrites` made, read from the batch's results. */
export function disabledEventDeliveries(results: unknown[]): string[] {
  return results.flatMap((result) =>
    Array.isArray(result)
      ? result.flatMap((row: { disabledEventDelivery?: string }) => (row.disabledEventDelivery ? [row.disabledEventDelivery] : []))
      : [],
  );
}
