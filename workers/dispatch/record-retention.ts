import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../shared/db/database";

const DAY_MS = 86_400_000;
/** Rows one statement deletes: small enough for one D1 query's time, whatever the table's size. */
export const RETENTION_CHUNK = 500;
/** Statements per table per cron tick: a backlog is worked off over ticks, never in one long run. */
const CHUNKS_PER_TICK = 10;

export type RetentionDays = { deadLetters: number; unmatchedCallbacks: number };
export type Purged = { deadLetters: number; unmatchedCallbacks: number };

/** Deletes the rows `selection` names (rowids, oldest first, LIMIT included), chunk by chunk, within the tick's share. */
async function purgeInChunks(db: Database, table: "dead_letters" | "unmatched_callbacks", selection: SQL): Promise<number> {
  let purged = 0;
  for (let chunk = 0; chunk < CHUNKS_PER_TICK; chunk++) {
    const result = await db.run(sql`DELETE FROM ${sql.identifier(table)} WHERE rowid IN (${selection})`);
    const changes = result.meta.changes ?? 0;
    purged += changes;
    if (changes < RETENTION_CHUNK) break;
  }
  return purged;
}

/**
 * Dead letters an operator resolved (redriven or discarded) longer ago than the retention.
 * A pending letter is a promise that someone will decide its message's fate: it is never
 * purged, however old. Each arm reads its own partial index, which holds no pending letter.
 */
function resolvedBefore(cutoff: string): SQL {
  return sql`
    SELECT rowid FROM dead_letters WHERE redriven_at IS NOT NULL AND redriven_at < ${cutoff}
    UNION ALL
    SELECT rowid FROM dead_letters WHERE discarded_at IS NOT NULL AND discarded_at < ${cutoff}
    LIMIT ${RETENTION_CHUNK}`;
}

function receivedBefore(cutoff: string): SQL {
  return sql`SELECT rowid FROM unmatched_callbacks WHERE received_at < ${cutoff} ORDER BY received_at LIMIT ${RETENTION_CHUNK}`;
}

/**
 * The dispatch cron's retention of what is not a message: resolved dead letters and unmatched
 * callbacks older than their own retention are deleted (their message, if any, keeps its events,
 * which tell the same story). Pending dead letters stay.
 */
export async function purgePastRetention(db: Database, days: RetentionDays, now = new Date()): Promise<Purged> {
  const cutoff = (retentionDays: number) => new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  return {
    deadLetters: await purgeInChunks(db, "dead_letters", resolvedBefore(cutoff(days.deadLetters))),
    unmatchedCallbacks: await purgeInChunks(db, "unmatched_callbacks", receivedBefore(cutoff(days.unmatchedCallbacks))),
  };
}
