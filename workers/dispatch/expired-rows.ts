import { sql } from "drizzle-orm";
import type { Database } from "../../shared/db/database";

const BATCH = 1000;

/** Tables whose rows carry an `expires_at` and are of no use after it (each has an index on it). */
type Expiring = "idempotency_keys" | "dashboard_sessions";

/** Deletes up to BATCH rows of `table` whose `expires_at` has passed; says how many. */
async function deleteExpired(db: Database, table: Expiring, now: Date): Promise<number> {
  const result = await db.run(sql`
    DELETE FROM ${sql.identifier(table)} WHERE rowid IN (
      SELECT rowid FROM ${sql.identifier(table)} WHERE expires_at <= ${now.toISOString()} LIMIT ${BATCH})`);
  return result.meta.changes ?? 0;
}

/** Idempotency keys live 24 h; each cron run deletes up to BATCH expired ones. */
export function deleteExpiredIdempotencyKeys(db: Database, now = new Date()): Promise<number> {
  return deleteExpired(db, "idempotency_keys", now);
}

/**
 * Dashboard sessions live 8 h; a page refuses an expired one itself, so this only keeps the
 * table small.
 */
export function deleteExpiredDashboardSessions(db: Database, now = new Date()): Promise<number> {
  return deleteExpired(db, "dashboard_sessions", now);
}
