/**
 * The body of a message on the `events` queue: the delivery lives in D1, with its event and
 * endpoint. `attempts` is how many attempts the delivery had when this job was made: only the
 * job that finds it so claims it, so a duplicate job (a sweep, a redelivery) posts nothing.
 */
export type EventDeliveryJob = { deliveryId: string; attempts: number };

export const EVENTS_QUEUE = "events";
/** Where the `events` queue hands a job whose processing kept failing (D1 down), not one the endpoint refused. */
export const EVENTS_DEAD_LETTER_QUEUE = "events-dlq";

/** Queue names may carry a prefix (the benchmark's), so a queue is recognised by its suffix. */
export function isQueue(actual: string, name: string): boolean {
  return actual === name || actual.endsWith(`-${name}`);
}

/** A queue's sendBatch takes at most 100 messages. */
const SEND_BATCH_LIMIT = 100;

export async function enqueueDeliveries(queue: Queue<EventDeliveryJob>, jobs: EventDeliveryJob[]): Promise<void> {
  for (let start = 0; start < jobs.length; start += SEND_BATCH_LIMIT)
    await queue.sendBatch(jobs.slice(start, start + SEND_BATCH_LIMIT).map((body) => ({ body })));
}
