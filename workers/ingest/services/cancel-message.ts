import type { Database } from "../../../shared/db/database";
import { newId } from "../../../shared/domain/ids";
import { messageView } from "../../../shared/domain/message-view";
import { ConflictError } from "../../../shared/http/errors";
import { findMessage } from "./messages-query";

/**
 * Cancel only while `queued`. The status check and the event are one D1 batch: the event is
 * written only if the guarded update changed the row, so a message the dispatcher picked up a
 * moment earlier is never reported canceled.
 *
 * The batch goes to the D1 binding itself: drizzle's D1 `batch` cannot run a raw `db.run(sql)`
 * that has parameters, and the update's own change count (not a timestamp comparison, which
 * two cancels in the same millisecond would both pass) says whether this request canceled it.
 */
export async function cancelMessage(db: Database, id: string, tenantId: string | null, requestId: string) {
  const row = await findMessage(db, id, tenantId);
  const now = new Date().toISOString();
  const d1 = db.$client;
  const [update] = await d1.batch([
    d1.prepare("UPDATE messages SET status = 'canceled', updated_at = ?1 WHERE id = ?2 AND status = 'queued'").bind(now, row.id),
    d1
      .prepare(
        `INSERT INTO message_events (id, message_id, status, reason, source, request_id, occurred_at)
      SELECT ?1, ?2, 'canceled', 'canceled by request', 'internal', ?3, ?4 WHERE changes() = 1`,
      )
      .bind(newId("event"), row.id, requestId, now),
  ]);
  const after = await findMessage(db, id, tenantId);
  if (update.meta.changes !== 1) throw new ConflictError(`Only a queued message can be canceled; this one is ${after.status}`);
  return messageView(after);
}
