import { and, eq } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { eventIfChanged, mayBecome } from "../../../shared/db/message-lifecycle";
import { messages } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { messageView } from "../../../shared/domain/message-view";
import { ConflictError } from "../../../shared/http/errors";
import { findMessage } from "./messages-query";

/**
 * Cancel only while the status may still become `canceled`. The guarded update and its event
 * are one D1 batch, the event written only if the update changed the row (not a timestamp
 * comparison, which two cancels in the same millisecond would both pass), so a message the
 * dispatcher picked up a moment earlier is never reported canceled.
 */
export async function cancelMessage(db: Database, id: string, tenantId: string | null, requestId: string) {
  const row = await findMessage(db, id, tenantId);
  const now = new Date().toISOString();
  const [canceled] = await db.batch([
    db
      .update(messages)
      .set({ status: "canceled", updatedAt: now })
      .where(and(eq(messages.id, row.id), mayBecome("canceled")))
      .returning({ id: messages.id }),
    eventIfChanged(db, {
      id: newId("event"),
      messageId: row.id,
      status: "canceled",
      reason: "canceled by request",
      source: "internal",
      requestId,
      occurredAt: now,
    }),
  ]);
  const after = await findMessage(db, id, tenantId);
  if (canceled.length !== 1) throw new ConflictError(`Only a queued message can be canceled; this one is ${after.status}`);
  return messageView(after);
}
