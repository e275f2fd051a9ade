import { and, asc, eq, gt, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../db/database";
import { eventIfChanged } from "../db/message-lifecycle";
import { type BulkOperationRow, bulkOperations, type DeadLetterRow, deadLetters, messages } from "../db/schema";
import { newId } from "../domain/ids";
import { log } from "../observability/logger";
import type { DeliveryJob } from "../queue/delivery-job";
import { deadLetterMatches, pendingDeadLetter } from "./dead-letter-match";
import { discardWrites, redriveWrites } from "./dead-letter-writes";

/** Dead letters per D1 batch (three statements each) and per queue `sendBatch` (at most 100). */
export const BULK_CHUNK = 50;
/** A runner that died holding an operation gives it up after this. */
const LEASE_MS = 60_000;

export type BulkRunner = { db: Database; queue: Queue<DeliveryJob> };

/** Takes the operation if it is running and no live runner holds it. */
async function claim(db: Database, id: string, now: number): Promise<BulkOperationRow | undefined> {
  const nowIso = new Date(now).toISOString();
  const [row] = await db
    .update(bulkOperations)
    .set({ leaseUntil: new Date(now + LEASE_MS).toISOString() })
    .where(
      and(
        eq(bulkOperations.id, id),
        eq(bulkOperations.state, "running"),
        or(isNull(bulkOperations.leaseUntil), lt(bulkOperations.leaseUntil, nowIso)),
      ),
    )
    .returning();
  return row;
}

/** The next chunk after the cursor, oldest first, among what was pending when the operation started. */
function nextChunk(db: Database, op: BulkOperationRow) {
  const after =
    op.cursorAt && op.cursorId
      ? or(gt(deadLetters.deadLetteredAt, op.cursorAt), and(eq(deadLetters.deadLetteredAt, op.cursorAt), gt(deadLetters.id, op.cursorId)))
      : undefined;
  return db
    .select()
    .from(deadLetters)
    .where(and(deadLetterMatches(op.filter), pendingDeadLetter(), lte(deadLetters.deadLetteredAt, op.upTo), after))
    .orderBy(asc(deadLetters.deadLetteredAt), asc(deadLetters.id))
    .limit(BULK_CHUNK);
}

/** One D1 round trip for a chunk's writes; each statement's result in order. */
async function batched(db: Database, writes: BatchItem<"sqlite">[]): Promise<readonly unknown[]> {
  if (writes.length === 0) return [];
  return db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

type ChunkResult = { succeeded: number; error?: string };

async function redriveChunk(runner: BulkRunner, op: BulkOperationRow, rows: DeadLetterRow[]): Promise<ChunkResult> {
  const now = new Date().toISOString();
  const reason = `redriven from dead letter by bulk operation ${op.id}${op.targetProviderId ? ` to provider ${op.targetProviderId}` : ""}`;
  const writes = rows.flatMap((row) => redriveWrites(runner.db, row, now, op.requestId, reason));
  const results = await batched(runner.db, writes);
  const claimed = rows.filter((_, i) => Array.isArray(results[i * 3]) && (results[i * 3] as unknown[]).length === 1);
  if (claimed.length === 0) return { succeeded: 0 };
  try {
    await runner.queue.sendBatch(
      claimed.map((row) => ({
        body: {
          messageId: row.messageId,
          tenantId: row.tenantId,
          requestId: op.requestId,
          ...(op.targetProviderId ? { providerId: op.targetProviderId } : {}),
        },
      })),
    );
    return { succeeded: claimed.length };
  } catch (error) {
    await undoRedrives(runner.db, op, claimed, now);
    log.error("bulk_operation.queue_unavailable", { operationId: op.id, error: String(error) });
    return { succeeded: 0, error: "the delivery queue was unavailable; this chunk was put back and is retried" };
  }
}

/** The queue refused: the chunk's messages go back to failed and its dead letters to pending. */
async function undoRedrives(db: Database, op: BulkOperationRow, claimed: DeadLetterRow[], redrivenAt: string) {
  const undoneAt = new Date(Date.parse(redrivenAt) + 1).toISOString();
  const writes = claimed.flatMap((row) => [
    db
      .update(messages)
      .set({ status: "failed", attempts: row.attempts, lastError: row.lastError, updatedAt: undoneAt })
      .where(and(eq(messages.id, row.messageId), eq(messages.status, "queued"), eq(messages.updatedAt, redrivenAt))),
    eventIfChanged(db, {
      id: newId("event"),
      messageId: row.messageId,
      status: "failed",
      reason: `redrive by bulk operation ${op.id} undone: the delivery queue was unavailable`,
      source: "internal",
      requestId: op.requestId,
      occurredAt: undoneAt,
    }),
    db
      .update(deadLetters)
      .set({ redrivenAt: null })
      .where(and(eq(deadLetters.id, row.id), eq(deadLetters.redrivenAt, redrivenAt))),
  ]);
  await batched(db, writes);
}

async function discardChunk(runner: BulkRunner, op: BulkOperationRow, rows: DeadLetterRow[]): Promise<ChunkResult> {
  const now = new Date().toISOString();
  const writes = rows.flatMap((row) =>
    discardWrites(runner.db, row, now, op.requestId, `dead letter ${row.id} discarded by bulk operation ${op.id}`),
  );
  const results = await batched(runner.db, writes);
  return { succeeded: rows.filter((_, i) => Array.isArray(results[i * 2]) && (results[i * 2] as unknown[]).length === 1).length };
}

/** One chunk, then the progress (and the lease kept). Returns the operation as it now stands. */
async function runChunk(runner: BulkRunner, op: BulkOperationRow): Promise<{ op: BulkOperationRow; stop: boolean }> {
  const rows = await nextChunk(runner.db, op);
  const result =
    rows.length === 0
      ? { succeeded: 0 }
      : op.action === "redrive"
        ? await redriveChunk(runner, op, rows)
        : await discardChunk(runner, op, rows);
  const now = new Date().toISOString();
  if (result.error) {
    const [updated] = await runner.db
      .update(bulkOperations)
      .set({ lastError: result.error, updatedAt: now })
      .where(eq(bulkOperations.id, op.id))
      .returning();
    return { op: updated ?? op, stop: true };
  }
  const last = rows.at(-1);
  const done = rows.length < BULK_CHUNK;
  const [updated] = await runner.db
    .update(bulkOperations)
    .set({
      processed: sql`${bulkOperations.processed} + ${rows.length}`,
      succeeded: sql`${bulkOperations.succeeded} + ${result.succeeded}`,
      cursorAt: last?.deadLetteredAt ?? op.cursorAt,
      cursorId: last?.id ?? op.cursorId,
      lastError: null,
      updatedAt: now,
      ...(done ? { state: "done" as const, finishedAt: now, leaseUntil: null } : {}),
    })
    .where(eq(bulkOperations.id, op.id))
    .returning();
  return { op: updated ?? op, stop: done };
}

/**
 * Works on one operation, a chunk at a time (at least one, more while `budgetMs` lasts), if no
 * other runner holds it; then lets it go for the next runner (the progress page, the cron). Returns it as it stands.
 */
export async function advanceBulkOperation(runner: BulkRunner, id: string, budgetMs: number): Promise<BulkOperationRow | undefined> {
  const startedAt = Date.now();
  let op = await claim(runner.db, id, startedAt);
  if (!op) return undefined;
  let stop = false;
  do ({ op, stop } = await runChunk(runner, op));
  while (!stop && Date.now() - startedAt < budgetMs);
  if (op.state === "running") await runner.db.update(bulkOperations).set({ leaseUntil: null }).where(eq(bulkOperations.id, op.id));
  return op;
}

/** The cron's share: every running operation nobody holds, oldest first, within the budget. */
export async function advanceRunningBulkOperations(runner: BulkRunner, budgetMs: number): Promise<number> {
  const startedAt = Date.now();
  const running = await runner.db
    .select({ id: bulkOperations.id })
    .from(bulkOperations)
    .where(eq(bulkOperations.state, "running"))
    .orderBy(asc(bulkOperations.createdAt));
  let advanced = 0;
  for (const { id } of running) {
    const left = budgetMs - (Date.now() - startedAt);
    if (left <= 0) break;
    if (await advanceBulkOperation(runner, id, left)) advanced++;
  }
  return advanced;
}
