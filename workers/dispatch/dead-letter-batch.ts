import { and, getTableColumns, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { database } from "../../shared/db/database";
import { inJsonList } from "../../shared/db/json-list";
import { claimable, eventIfChanged, eventWritten } from "../../shared/db/message-lifecycle";
import { deadLetters, type MessageRow, messages } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import type { DeliveryJob } from "../../shared/queue/delivery-job";
import { outbound } from "./delivery";
import type { DispatchEnv } from "./env";

/**
 * The provider a message was last tried with: a message that never got through has no
 * `provider_id` of its own, but each attempt's event names its provider.
 */
const lastProviderTried = sql<string | null>`(SELECT message_events.provider_id FROM message_events
  WHERE message_events.message_id = messages.id AND message_events.provider_id IS NOT NULL
  ORDER BY message_events.occurred_at DESC, message_events.id DESC LIMIT 1)`;

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
  const now = new Date().toISOString();
  // A message another consumer holds a live lease on is still being sent: not ours to fail.
  const failable = claimable(now);
  const rows = await db
    .select({ ...getTableColumns(messages), lastProviderId: lastProviderTried })
    .from(messages)
    .where(and(inJsonList(messages.id, ids), failable));
  const jobs = new Map(batch.messages.map((message) => [message.body.messageId, message.body]));

  const writes = rows.flatMap((row): BatchItem<"sqlite">[] => {
    const lastError = row.lastError ?? "delivery retries exhausted";
    const job = jobs.get(row.id) ?? { messageId: row.id, tenantId: row.tenantId, requestId: row.requestId ?? "" };
    const letter = {
      id: newId("deadLetter"),
      tenantId: row.tenantId,
      providerId: row.providerId ?? row.lastProviderId,
      body: JSON.stringify(deadLetterBody(job, row)),
    };
    const eventId = newId("event");
    return [
      db
        .update(messages)
        // The message keeps the error that sent it here; its event says it was dead-lettered.
        .set({ status: "failed", lastError, leaseExpiresAt: null, updatedAt: now })
        .where(sql`${messages.id} = ${row.id} AND ${failable}`),
      eventIfChanged(db, {
        id: eventId,
        messageId: row.id,
        status: "failed",
        reason: `dead-lettered after ${row.attempts} delivery rounds: ${lastError}`,
        source: "internal",
        requestId: job.requestId,
        occurredAt: now,
      }),
      db.insert(deadLetters).select(
        sql`SELECT ${letter.id}, ${row.id}, ${letter.tenantId}, ${letter.providerId}, ${lastError}, ${row.attempts}, ${letter.body}, ${now}, NULL, NULL
          WHERE ${eventWritten(eventId)}`,
      ),
    ];
  });
  if (writes.length > 0) await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  batch.ackAll();
}
