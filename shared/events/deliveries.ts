import { sha256Hex } from "../crypto/sha256";
import type { webhookDeliveries } from "../db/schema";
import { newId } from "../domain/ids";

/** A pending delivery not attempted this long after it was due is put back on the queue by the cron. */
export const DEFAULT_EVENT_SWEEP_AFTER_SECONDS = 300;

export type DeliveryValues = typeof webhookDeliveries.$inferInsert;

export function pendingDelivery(id: string, endpointId: string, eventId: string, now: Date, sweepAfterSeconds: number): DeliveryValues {
  const at = now.toISOString();
  return {
    id,
    endpointId,
    eventId,
    state: "pending",
    attempts: 0,
    nextAttemptAt: new Date(now.getTime() + sweepAfterSeconds * 1000).toISOString(),
    createdAt: at,
    updatedAt: at,
  };
}

/** The fan-out's delivery of an event to an endpoint has one id, so a repeated fan-out adds nothing. */
export async function fanOutDeliveryId(endpointId: string, eventId: string): Promise<string> {
  return `whd_${(await sha256Hex(`${endpointId}|${eventId}`)).slice(0, 24)}`;
}

/** A replay is a new delivery of the same event (the same webhook-id). */
export function replayDeliveryId(): string {
  return newId("webhookDelivery");
}
