import { and, desc, eq, isNotNull, isNull, like, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { type DeadLetterRow, deadLetters, messages } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { ConflictError, NotFoundError, UnavailableError } from "../../../shared/http/errors";
import type { DeliveryJob } from "../../../shared/queue/delivery-job";
import { decodeCursor, pageOf } from "./cursor";
import { afterCursor } from "./messages-query";

export type DeadLetterFilter = {
  tenantId: string | null;
  providerId?: string;
  q?: string;
  state: "pending" | "redriven" | "discarded" | "all";
  limit: number;
  cursor?: string;
};

function stateCondition(state: DeadLetterFilter["state"]): SQL | undefined {
  if (state === "pending") return and(isNull(deadLetters.redrivenAt), isNull(deadLetters.discardedAt));
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
        filter.tenantId ? eq(deadLetters.tenantId, filter.tenantId) : undefined,
        filter.providerId ? eq(deadLetters.providerId, filter.providerId) : undefined,
        filter.q ? like(deadLetters.lastError, `%${filter.q.replace(/[%_\\]/g, "\\$&")}%`) : undefined,
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

export type RedriveContext = { db: Database; queue: Queue<DeliveryJob>; tenantId: string | null; requestId: string };

/**
 * Claim the dead letter (a guarded update: two redrives cannot both win), put the message
 * back to `queued` with attempts reset and an event, then enqueue. If the queue refuses,
 * both are put back as they were and the caller may retry.
 */
export async function redriveDeadLetter(ctx: RedriveContext, id: string): Promise<DeadLetterRow> {
  const row = await findDeadLetter(ctx.db, id, ctx.tenantId);
  const now = new Date().toISOString();
  const [claimed] = await ctx.db
    .update(deadLetters)
    .set({ redrivenAt: now })
    .where(and(eq(deadLetters.id, row.id), isNull(deadLetters.redrivenAt), isNull(deadLetters.discardedAt)))
    .returning();
  if (!claimed) throw new ConflictError(`This dead letter was already ${row.discardedAt ? "discarded" : "redriven"}`);

  const reopened = await ctx.db.batch([
    ctx.db
      .update(messages)
      .set({ status: "queued", attempts: 0, lastError: null, updatedAt: now })
      .where(and(eq(messages.id, row.messageId), eq(messages.status, "failed")))
      .returning({ id: messages.id }),
    ctx.db.run(sql`INSERT INTO message_events (id, message_id, status, reason, source, request_id, occurred_at)
      SELECT ${newId("event")}, ${row.messageId}, 'queued', ${`redriven from dead letter ${row.id}`}, 'internal', ${ctx.requestId}, ${now}
      WHERE changes() = 1`),
  ]);
  if (reopened[0].length === 0) {
    await ctx.db.update(deadLetters).set({ redrivenAt: null }).where(eq(deadLetters.id, row.id));
    throw new ConflictError("The message is no longer failed; nothing to redrive");
  }
  try {
    await ctx.queue.send({ messageId: row.messageId, tenantId: row.tenantId, requestId: ctx.requestId });
  } catch {
    await ctx.db.batch([
      ctx.db.update(messages).set({ status: "failed", lastError: "dead-lettered", updatedAt: now }).where(eq(messages.id, row.messageId)),
      ctx.db.update(deadLetters).set({ redrivenAt: null }).where(eq(deadLetters.id, row.id)),
      ctx.db.run(sql`INSERT INTO message_events (id, message_id, status, reason, source, request_id, occurred_at)
        VALUES (${newId("event")}, ${row.messageId}, 'failed', 'redrive undone: the delivery queue was unavailable', 'internal', ${ctx.requestId}, ${now})`),
    ]);
    throw new UnavailableError("The delivery queue is unavailable; the dead letter was left as it was. Retry.");
  }
  return claimed;
}

export type RedriveOutcome = { id: string; outcome: "redriven" | "not_found" | "not_redrivable"; message?: string };

export async function redriveMany(ctx: RedriveContext, ids: string[]): Promise<RedriveOutcome[]> {
  const outcomes: RedriveOutcome[] = [];
  for (const id of new Set(ids)) {
    try {
      await redriveDeadLetter(ctx, id);
      outcomes.push({ id, outcome: "redriven" });
    } catch (error) {
      if (error instanceof NotFoundError) outcomes.push({ id, outcome: "not_found" });
      else if (error instanceof ConflictError) outcomes.push({ id, outcome: "not_redrivable", message: error.message });
      else throw error;
    }
  }
  return outcomes;
}

export async function discardDeadLetter(db: Database, id: string, tenantId: string | null, requestId: string) {
  const row = await findDeadLetter(db, id, tenantId);
  const now = new Date().toISOString();
  const [discarded] = await db.batch([
    db
      .update(deadLetters)
      .set({ discardedAt: now })
      .where(and(eq(deadLetters.id, row.id), isNull(deadLetters.redrivenAt), isNull(deadLetters.discardedAt)))
      .returning(),
    db.run(sql`INSERT INTO message_events (id, message_id, status, reason, source, request_id, occurred_at)
      SELECT ${newId("event")}, ${row.messageId}, 'failed', ${`dead letter ${row.id} discarded`}, 'internal', ${requestId}, ${now}
      WHERE changes() = 1`),
  ]);
  if (discarded.length === 0) throw new ConflictError(`This dead letter was already ${row.discardedAt ? "discarded" : "redriven"}`);
  return discarded[0];
}
