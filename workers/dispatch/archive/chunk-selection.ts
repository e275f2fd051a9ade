import { sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";

export const CHUNK_SIZE = 100;
const DAY_MS = 86_400_000;

/** A run's cutoff for one tenant: its own `before`, or the tenant's retention. */
export function cutoffFor(before: string | null, retentionDays: number, now: Date): string {
  return before ?? new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
}

/**
 * The next chunk of one tenant: up to CHUNK_SIZE finished messages created before the cutoff,
 * all of the oldest such day (an object holds one tenant's day). A message a pending dead
 * letter still points at stays: an operator may redrive it.
 */
export async function nextChunk(db: Database, tenantId: string, cutoff: string): Promise<{ day: string; ids: string[] } | null> {
  const rows = await db.all<{ id: string; day: string }>(sql`
    SELECT id, substr(created_at, 1, 10) AS day FROM messages AS m
    WHERE tenant_id = ${tenantId} AND created_at < ${cutoff}
      AND status IN ('sent', 'delivered', 'failed', 'canceled')
      AND NOT EXISTS (SELECT 1 FROM dead_letters AS d
        WHERE d.message_id = m.id AND d.redriven_at IS NULL AND d.discarded_at IS NULL)
    ORDER BY created_at, id
    LIMIT ${CHUNK_SIZE}`);
  if (rows.length === 0) return null;
  const day = rows[0].day;
  return { day, ids: rows.filter((row) => row.day === day).map((row) => row.id) };
}
