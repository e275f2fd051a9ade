import { sql } from "drizzle-orm";
import type { Database } from "../../shared/db/database";

const BATCH = 1000;

/**
 * Dashboard sessions live 8 h; a page refuses an expired one itself, so this only keeps the
 * table small: each cron run deletes up to BATCH expired ones (an index serves it).
 */
export async function deleteExpiredDashboardSessions(db: Database, now = new Date()): Promise<number> {
  const result = await db.run(sql`
    DELETE FROM dashboard_sessions WHERE rowid IN (
      SELECT rowid FROM dashboard_sessions WHERE expires_at <= ${now.toISOString()} LIMIT ${BATCH})`);
  return result.meta.changes ?? 0;
}
