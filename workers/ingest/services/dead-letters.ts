import { and, desc, eq, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { eventIfChanged, eventWritten } from "../../../shared/db/message-lifecycle";
import { type DeadLetterMatch, type DeadLetterRow, deadLetters, messages } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { ConflictError, NotFoundError, UnavailableError } from "../../../shared/http/errors";
import type { DeliveryJob } from "../../../shared/queue/delivery-job";
import { deadLetterMatches, pendingDeadLetter } from "../../../shared/recovery/dead-letter-match";
import { discardWrites, redriveWrites } from "../../../shared/recovery/dead-letter-writes";
import { decodeCursor, pageOf } from "./cursor";
import { afterCursor } from "./messages-query";

export type DeadLetterFilter = DeadLetterMatch & {
  state: "pending" | "redriven" | "discarded" | "all";
  limit: number;
  cursor?: string;
};

function stateCondition(state: DeadLetterFilter["state"]): SQL | undefined {
  if (state === "pending") return pendingDeadLetter();
  if (state === "redriven") return isNotNull(deadLetters.redrivenAt);
  if (state === "discarded") return isNotNull(deadLetters.discardedAt);
  return undefined;
}

export async function listDeadLetters(db: Database, filter: DeadLetterFilter) {
  const rows = await db
    .select()
    .from(deadLetters)
    .where(
      and(
        deadLetterMatches(filter),
        stateCondition(filter.state),
        afterCursor(deadLetters.deadLetteredAt, deadLetters.id, decodeCursor(filter.cursor)),
      ),
    )
    .orderBy(desc(deadLetters.deadLetteredAt), desc(deadLetters.id))
    .limit(filter.limit + 1);
  return pageOf(rows, filter.limit, (row) => ({ at: row.deadLetteredAt, id: row.id }));
}

export async function findDeadLetter(db: Database, id: string, tenantId: string | null): Promise<DeadLetterRow> {
  const row = await db.query.deadLetters.findFirst({
    where: and(eq(deadLetters.id, id), tenantId ? eq(deadLetters.tenantId, tenantId) : undefined),
  });
  if (!row) throw new NotFoundError("Dead letter");
  return row;
}

/** The message's most recent dead letter, if it has one (tenant-scoped like the message). */
export async function latestDeadLetterOf(db: Database, messageId: string, tenantId: string | null): Promise<DeadLetterRow | undefined> {
  return db.query.deadLetters.findFirst({
    where: and(eq(deadLetters.messageId, messageId), tenantId ? eq(deadLetters.tenantId, tenantId) : undefined),
    orderBy: [desc(deadLetters.deadLetteredAt), desc(deadLetters.id)],
  });
}

export type RedriveContext = { db: Database; queue: Queue<DeliveryJob>; tenantId: string | null; requestId: string };

/**
 * Claim the dead letter (a guarded update: two redrives cannot both win), put the message
 * back to `queued` with attempts reset and an event, then enqueue. If the queue refuses,
 * both are put back as they were and the caller may retry.
 *
 * The event is written only when the guarded update before it changed a row.
 */
export async function redriveDeadLetter(ctx: RedriveContext, id: string): Promise<DeadLetterRow> {
  const row = await findDeadLetter(ctx.db, id, ctx.tenantId);
  const before = await ctx.db.query.messages.findFirst({
    where: eq(messages.id, row.messageId),
    columns: { attempts: true, lastError: true },
  });
  const now = new Date().toISOString();
  const [claimed] = await ctx.db.batch(redriveWrites(ctx.db, row, now, ctx.requestId, `redriven from dead letter ${row.id}`));
  const letter = claimed[0];
  if (!letter || !before) {
    if (row.redrivenAt || row.discardedAt)
      throw new ConflictError(`This dead letter was already ${row.discardedAt ? "discarded" : "redriven"}`);
    throw new ConflictError("The message is no longer failed; nothing to redrive");
  }
  try {
    await ctx.queue.send({ messageId: row.messageId, tenantId: row.tenantId, requestId: ctx.requestId });
  } catch {
    await undoRedrive(ctx, row, before, now);
    throw new UnavailableError("The delivery queue is unavailable; the dead letter was left as it was. Retry.");
  }
  return letter;
}

function redriveEvent(row: DeadLetterRow, status: "queued" | "failed", reason: string, requestId: string, at: string) {
  return { id: newId("event"), messageId: row.messageId, status, reason, source: "internal" as const, requestId, occurredAt: at };
}

/** Puts the message and dead letter back as they were, unless dispatch already took the message. */
async function undoRedrive(
  ctx: RedriveContext,
  row: DeadLetterRow,
  before: { attempts: number; lastError: string | null },
  redrivenAt: string,
) {
  const undoneAt = new Date(Date.parse(redrivenAt) + 1).toISOString();
  const undone = redriveEvent(row, "failed", "redrive undone: the delivery queue was unavailable", ctx.requestId, undoneAt);
  await ctx.db.batch([
    ctx.db
      .update(messages)
      .set({ status: "failed", attempts: before.attempts, lastError: before.lastError, updatedAt: undoneAt })
      .where(and(eq(messages.id, row.messageId), eq(messages.status, "queued"), eq(messages.updatedAt, redrivenAt))),
    eventIfChanged(ctx.db, undone),
    ctx.db
      .update(deadLetters)
      .set({ redrivenAt: null })
      .where(and(eq(deadLetters.id, row.id), eq(deadLetters.redrivenAt, redrivenAt), eventWritten(undone.id))),
  ]);
}

export type RedriveOutcome = { id: string; outcome: "redriven" | "not_found" | "not_redrivable" | "unavailable"; message?: string };

/** One result per id: a queue outage mid-way leaves the earlier ids redriven and says so. */

export async function redriveMany(ctx: RedriveContext, ids: string[]): Promise<RedriveOutcome[]> {
  const outcomes: RedriveOutcome[] = [];
  for (const id of new Set(ids)) {
    try {
      await redriveDeadLetter(ctx, id);
      outcomes.push({ id, outcome: "redriven" });
    } catch (error) {
      if (error instanceof NotFoundError) outcomes.push({ id, outcome: "not_found" });
      else if (error instanceof ConflictError) outcomes.push({ id, outcome: "not_redrivable", message: error.message });
      else if (error instanceof UnavailableError) outcomes.push({ id, outcome: "unavailable", message: error.message });
      else throw error;
    }
  }
  return outcomes;
}

export async function discardDeadLetter(db: Database, id: string, tenantId: string | null, requestId: string) {
  const row = await findDeadLetter(db, id, tenantId);
  const now = new Date().toISOString();
  const [discarded] = await db.batch(discardWrites(db, row, now, requestId, `dead letter ${row.id} discarded`));
  if (discarded.length !== 1) throw new ConflictError(`This dead letter was already ${row.discardedAt ? "discarded" : "redriven"}`);
  return { ...row, discardedAt: now };
}

/** How many pending dead letters a filter matches now. */
export async function countPendingDeadLetters(db: Database, match: DeadLetterMatch): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(deadLetters)
    .where(and(deadLetterMatches(match), pendingDeadLetter()));
  return Number(row?.n ?? 0);
}
