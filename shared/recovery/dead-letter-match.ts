import { and, eq, gte, isNull, lt, type SQL, sql } from "drizzle-orm";
import { type DeadLetterMatch, deadLetters } from "../db/schema";

/** The SQL for a dead-letter filter: the same rows for the list, the count and a bulk operation. */
export function deadLetterMatches(match: DeadLetterMatch): SQL | undefined {
  return and(
    match.tenantId ? eq(deadLetters.tenantId, match.tenantId) : undefined,
    match.providerId ? eq(deadLetters.providerId, match.providerId) : undefined,
    // instr(), not LIKE: D1 refuses LIKE patterns over 50 bytes, and instr has no wildcards to escape.
    match.q ? sql`instr(lower(${deadLetters.lastError}), lower(${match.q})) > 0` : undefined,
    match.since ? gte(deadLetters.deadLetteredAt, new Date(match.since).toISOString()) : undefined,
    match.until ? lt(deadLetters.deadLetteredAt, new Date(match.until).toISOString()) : undefined,
  );
}

export function pendingDeadLetter(): SQL | undefined {
  return and(isNull(deadLetters.redrivenAt), isNull(deadLetters.discardedAt));
}
