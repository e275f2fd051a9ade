import { and, eq, lte } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { idempotencyKeys } from "../../../shared/db/schema";
import { ConflictError, IdempotencyMismatchError } from "../../../shared/http/errors";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A claim not completed after this long belongs to a request that died after its D1 write:
 * the message is stored (the sweeper enqueues it), so the stored answer is replayed.
 */
const IN_FLIGHT_MS = 60_000;

export type IdempotencyClaim = { tenantId: string; key: string; requestHash: string };
export type StoredAnswer = { status: number; body: unknown };

export function claimStatement(db: Database, claim: IdempotencyClaim, answer: StoredAnswer, now: Date) {
  return db.insert(idempotencyKeys).values({
    tenantId: claim.tenantId,
    key: claim.key,
    requestHash: claim.requestHash,
    responseStatus: answer.status,
    responseBody: answer.body,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
  });
}

export function releaseStatement(db: Database, claim: IdempotencyClaim) {
  return db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.tenantId, claim.tenantId), eq(idempotencyKeys.key, claim.key)));
}

/** The request finished: its final answer (which may know more than the claim did) replays from now on. */
export async function completeClaim(db: Database, claim: IdempotencyClaim, answer: StoredAnswer): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ completedAt: new Date().toISOString(), responseBody: answer.body })
    .where(and(eq(idempotencyKeys.tenantId, claim.tenantId), eq(idempotencyKeys.key, claim.key)));
}

export type PriorUse = { kind: "replay"; answer: StoredAnswer } | { kind: "expired" };

/** What an earlier use of the key means for this request: replay it, or it has expired. */
export async function priorUse(db: Database, claim: IdempotencyClaim): Promise<PriorUse> {
  const row = await db.query.idempotencyKeys.findFirst({
    where: and(eq(idempotencyKeys.tenantId, claim.tenantId), eq(idempotencyKeys.key, claim.key)),
  });
  const now = Date.now();
  if (!row || Date.parse(row.expiresAt) <= now) return { kind: "expired" };
  if (row.requestHash !== claim.requestHash) throw new IdempotencyMismatchError();
  if (!row.completedAt && Date.parse(row.createdAt) > now - IN_FLIGHT_MS)
    throw new ConflictError("A request with this Idempotency-Key is still in flight; retry shortly", { retryable: true });
  return { kind: "replay", answer: { status: row.responseStatus, body: row.responseBody } };
}

export async function dropExpired(db: Database, claim: IdempotencyClaim): Promise<void> {
  await db.delete(idempotencyKeys).where(
    and(
      eq(idempotencyKeys.tenantId, claim.tenantId),
      eq(idempotencyKeys.key, claim.key),
      // The same boundary as priorUse: a key expiring this very millisecond is expired.
      lte(idempotencyKeys.expiresAt, new Date().toISOString()),
    ),
  );
}
