import { type SQL, sql } from "drizzle-orm";
import type { Database } from "./database";
import { messageEvents } from "./schema";

export type EventValues = typeof messageEvents.$inferInsert;

/**
 * An event insert that happens only if `condition` holds when it runs — inside a D1 batch,
 * after the guarded status update it belongs to — so no event ever reports a change that
 * another writer pre-empted. The select lists the columns in the table's order.
 */
export function eventIf(db: Database, event: EventValues, condition: SQL) {
  const payload = event.rawPayload === undefined || event.rawPayload === null ? null : JSON.stringify(event.rawPayload);
  return db.insert(messageEvents).select(
    sql`SELECT ${event.id}, ${event.messageId}, ${event.status}, ${event.reason ?? null}, ${event.source}, ${event.providerId ?? null},
      ${payload}, ${event.dedupeKey ?? null}, ${event.requestId ?? null}, ${event.occurredAt} WHERE ${condition}`,
  );
}

/** True when the message carries this write's `updated_at`: the guarded update landed. */
export function messageWrittenAt(messageId: string, updatedAt: string): SQL {
  return sql`EXISTS (SELECT 1 FROM messages WHERE id = ${messageId} AND updated_at = ${updatedAt})`;
}
