import { and, eq, lt, sql } from "drizzle-orm";
import { database } from "../../../shared/db/database";
import { webhookDeliveries } from "../../../shared/db/schema";
import { enqueueDeliveries } from "../../../shared/queue/event-delivery-job";
import type { DispatchEnv } from "../env";
import { eventSettings } from "./event-settings";

const SWEEP_LIMIT = 500;

/**
 * Pending deliveries overdue by the sweep margin — their job was lost (a crash between the D1
 * write and the queue send, a queue send refused, a dead-lettered job) — go back on the queue,
 * each for the attempt it is at. Their deadline moves first, so the next sweep leaves them be.
 */
export async function sweepDeliveries(env: DispatchEnv): Promise<number> {
  const db = database(env.DB);
  const now = Date.now();
  const settings = eventSettings(env);
  const later = new Date(now + settings.timeoutMs + settings.sweepAfterSeconds * 1000).toISOString();
  const overdue = await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: later })
    .where(
      and(
        eq(webhookDeliveries.state, "pending"),
        lt(webhookDeliveries.nextAttemptAt, new Date(now).toISOString()),
        sql`${webhookDeliveries.id} IN (SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at < ${new Date(now).toISOString()} LIMIT ${SWEEP_LIMIT})`,
      ),
    )
    .returning({ deliveryId: webhookDeliveries.id, attempts: webhookDeliveries.attempts });
  await enqueueDeliveries(env.EVENTS_QUEUE, overdue);
  return overdue.length;
}
