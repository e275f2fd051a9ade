import { sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { newId } from "../../../shared/domain/ids";
import { messageView } from "../../../shared/domain/message-view";
import { ConflictError } from "../../../shared/http/errors";
import { findMessage } from "./messages-query";

/**
 * Cancel only while `queued`. The status check and the event are one D1 batch: the event is
 * written only if the guarded update changed the row, so a message the dispatcher picked up a
 * moment earlier is never reported canceled.
 */
export async function cancelMessage(db: Database, id: string, tenantId: string | null, requestId: string) {
  const row = await findMessage(db, id, tenantId);
  const now = new Date().toISOString();
  await db.batch([
    db.run(sql`UPDATE messages SET status = 'canceled', updated_at = ${now} WHERE id = ${row.id} AND status = 'queued'`),
    db.run(sql`INSERT INTO message_events (id, message_id, status, reason, source, request_id, occurred_at)
      SELECT ${newId("event")}, ${row.id}, 'canceled', 'canceled by request', 'internal', ${requestId}, ${now}
      WHERE changes() = 1`),
  ]);
  const after = await findMessage(db, id, tenantId);
  if (after.status !== "canceled" || after.updatedAt !== now)
    throw new ConflictError(`Only a queued message can be canceled; this one is ${after.status}`);
  return messageView(after);
}
