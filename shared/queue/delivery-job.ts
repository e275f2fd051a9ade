/**
 * The body of a message on the `delivery` queue. It stays small on purpose: the message
 * itself lives in D1, so a queue message never nears the 128 KB limit and a batch of 100
 * fits one `sendBatch`.
 */
export type DeliveryJob = {
  messageId: string;
  tenantId: string;
  /** The x-request-id of the request that accepted (or redrove) the message. */
  requestId: string;
  /** An operator's redrive to a chosen provider: tried first, before the message's usual chain. */
  providerId?: string;
};

/** The queue the delivery queue hands a message to after its last retry. */
export const DEAD_LETTER_QUEUE = "delivery-dlq";

/** Cloudflare Queues delay a message by at most 12 hours; later sends wait for the cron. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

export function queueDelaySeconds(scheduledAt: string | null, now: number): number {
  if (!scheduledAt) return 0;
  return Math.max(0, Math.ceil((Date.parse(scheduledAt) - now) / 1000));
}
