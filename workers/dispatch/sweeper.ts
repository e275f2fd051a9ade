import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../shared/db/database";
import { eventIfChanged, leaseLapsed } from "../../shared/db/message-lifecycle";
import { messages } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import { type DeliveryJob, MAX_QUEUE_DELAY_SECONDS, queueDelaySeconds } from "../../shared/queue/delivery-job";

export const DEFAULT_SWEEP_AFTER_SECONDS = 300;
const SWEEP_LIMIT = 100;
const HALF_DAY = MAX_QUEUE_DELAY_SECONDS / 86_400;

type Due = {
  id: string;
  tenant_id: string;
  status: "queued" | "sending";
  scheduled_at: string | null;
  request_id: string | null;
  kind: "stuck" | "release";
};

/**
 * Nothing accepted is lost. Each run puts back on the queue:
 * - a message `queued` and due for longer than `stuckAfterSeconds` (a lost queue send),
 * - a message `sending` untouched for that long whose lease has lapsed (a consumer died mid-send)
 *   and that is not waiting for a retry due later (`retry_at`: a webhook's retry may be hours off),
 * - a message scheduled beyond the queue's 12 h delay limit, once it falls within it (ingest
 *   left it off the queue; `updated_at = created_at` marks it as not yet released).
 * The consumer's status check makes a second copy on the queue harmless.
 */
export async function sweep(db: Database, queue: Queue<DeliveryJob>, stuckAfterSeconds: number, now = new Date()): Promise<number> {
  const nowIso = now.toISOString();
  const stuckBefore = new Date(now.getTime() - stuckAfterSeconds * 1000).toISOString();
  const due = await db.all<Due>(sql`
    SELECT id, tenant_id, status, scheduled_at, request_id,
      CASE WHEN status = 'queued' AND updated_at = created_at AND scheduled_at > ${nowIso} THEN 'release' ELSE 'stuck' END AS kind
    FROM messages
    WHERE (status = 'queued' AND updated_at < ${stuckBefore} AND (scheduled_at IS NULL OR scheduled_at < ${stuckBefore}))
       OR (status = 'sending' AND updated_at < ${stuckBefore} AND ${leaseLapsed(nowIso)}
           AND (retry_at IS NULL OR retry_at < ${stuckBefore}))
       OR (status = 'queued' AND updated_at = created_at
           AND julianday(scheduled_at) - julianday(created_at) > ${HALF_DAY}
           AND julianday(scheduled_at) - julianday(${nowIso}) <= ${HALF_DAY})
    ORDER BY updated_at LIMIT ${SWEEP_LIMIT}`);
  if (due.length === 0) return 0;

  await queue.sendBatch(
    due.map((row) => ({
      body: { messageId: row.id, tenantId: row.tenant_id, requestId: row.request_id ?? newId("request") },
      delaySeconds: queueDelaySeconds(row.scheduled_at, now.getTime()),
    })),
  );
  const writes = due.flatMap((row): BatchItem<"sqlite">[] => [
    db
      .update(messages)
      .set({ updatedAt: nowIso })
      .where(and(eq(messages.id, row.id), eq(messages.status, row.status), leaseLapsed(nowIso))),
    // Only if the message was still as we found it (dispatch may have claimed it meanwhile).
    eventIfChanged(db, {
      id: newId("event"),
      messageId: row.id,
      status: row.status,
      reason: sweepReason(row),
      source: "internal",
      requestId: row.request_id,
      occurredAt: nowIso,
    }),
  ]);
  await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return due.length;
}

function sweepReason(row: Due): string {
  if (row.kind === "release") return `released to the queue for ${row.scheduled_at}`;
  return row.status === "queued" ? "re-enqueued by the sweeper: not picked up in time" : "re-enqueued by the sweeper: a send stalled";
}
