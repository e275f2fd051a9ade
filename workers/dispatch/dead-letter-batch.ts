import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { database } from "../../shared/db/database";
import { deadLetters, type MessageRow, messageEvents, messages } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import type { DeliveryJob } from "../../shared/queue/delivery-job";
import { outbound } from "./delivery";
import type { DispatchEnv } from "./env";

/** What ops see when they inspect a dead letter: the queue body and the message as it was. */
function deadLetterBody(job: DeliveryJob, row: MessageRow) {
  return { job, message: outbound(row) };
}

/**
 * The `delivery-dlq` consumer: each message the delivery queue gave up on becomes a
 * dead_letters row, its message `failed` with reason `dead-lettered`, and an event. Two D1
 * round trips per batch. A message that got sent after all, or is already dead-lettered,
 * is left alone (a redelivered DLQ batch records nothing twice).
 */
export async function deadLetterBatch(env: DispatchEnv, batch: MessageBatch<DeliveryJob>): Promise<void> {
  const db = database(env.DB);
  const ids = [...new Set(batch.messages.map((message) => message.body.messageId))];
  const rows = await db
    .select()
    .from(messages)
    .where(sql`${messages.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)})) AND ${messages.status} IN ('queued', 'sending')`);
  const jobs = new Map(batch.messages.map((message) => [message.body.messageId, message.body]));
  const now = new Date().toISOString();

  const writes = rows.flatMap((row): BatchItem<"sqlite">[] => {
    const lastError = row.lastError ?? "delivery retries exhausted";
    const reason = `dead-lettered after ${row.attempts} delivery rounds: ${lastError}`;
    const job = jobs.get(row.id) ?? { messageId: row.id, tenantId: row.tenantId, requestId: row.requestId ?? "" };
    return [
      db
        .update(messages)
        .set({ status: "failed", lastError: "dead-lettered", leaseExpiresAt: null, updatedAt: now })
        .where(sql`${messages.id} = ${row.id} AND ${messages.status} IN ('queued', 'sending')`),
      db.insert(deadLetters).values({
        id: newId("deadLetter"),
        messageId: row.id,
        tenantId: row.tenantId,
        providerId: row.providerId,
        lastError,
        attempts: row.attempts,
        body: deadLetterBody(job, row),
        deadLetteredAt: now,
      }),
      db.insert(messageEvents).values({
        id: newId("event"),
        messageId: row.id,
        status: "failed",
        reason,
        source: "internal",
        requestId: job.requestId,
        occurredAt: now,
      }),
    ];
  });
  if (writes.length > 0) await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  batch.ackAll();
}
