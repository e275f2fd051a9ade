import { sql } from "drizzle-orm";
import type { Database } from "../../shared/db/database";

const BATCH = 1000;

/** Idempotency keys live 24 h; each cron run deletes up to BATCH expired ones (an index serves it). */
export async function deleteExpiredIdempotencyKeys(db: Database, now = new Date()): Promise<number> {
  const result = await db.run(sql`
    DELETE FROM idempotency_keys WHERE rowid IN (
      SELECT rowid FROM idempotency_keys WHERE expires_at <= ${now.toISOString()} LIMIT ${BATCH})`);
  return result.meta.changes ?? 0;
}
