import { sql } from "drizzle-orm";
import type { Database } from "../db/database";
import { eventCursors } from "../db/schema";

/** The name of the fan-out's position in `message_events` (a row of `event_cursors`). */
export const MESSAGE_EVENTS_CURSOR = "message_events";

/**
 * Starts the fan-out's cursor at the newest event unless it was started before: written with
 * the first endpoint, so the fan-out never reads the history from before any endpoint existed.
 */
export function startCursor(db: Database, now: string) {
  return (
    db
      .insert(eventCursors)
      .select(
        sql`SELECT ${MESSAGE_EVENTS_CURSOR}, coalesce(max(rowid), 0), (SELECT id FROM message_events ORDER BY rowid DESC LIMIT 1), ${now} FROM message_events WHERE true`,
      )
      // SQLite parses INSERT … SELECT … ON CONFLICT only with a WHERE in the SELECT.
      .onConflictDoNothing()
  );
}
