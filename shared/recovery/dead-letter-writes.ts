import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/database";
import { eventIfChanged, redrivable } from "../db/message-lifecycle";
import { deadLetters, messages } from "../db/schema";
import { newId } from "../domain/ids";

type Letter = { id: string; messageId: string };

/**
 * A redrive's writes, for one `db.batch()`: the dead letter is claimed (a guarded update: two
 * redrives cannot both win) only with its message reopened (`queued`, attempts reset), or
 * neither; the event is written only when the message changed. `now` marks this claim.
 */
export function redriveWrites(db: Database, letter: Letter, now: string, requestId: string, reason: string) {
  return [
    db
      .update(deadLetters)
      .set({ redrivenAt: now })
      .where(
        and(
          eq(deadLetters.id, letter.id),
          isNull(deadLetters.redrivenAt),
          isNull(deadLetters.discardedAt),
          sql`EXISTS (SELECT 1 FROM messages WHERE id = ${letter.messageId} AND ${redrivable()})`,
        ),
      )
      .returning(),
    db
      .update(messages)
      .set({ status: "queued", attempts: 0, lastError: null, updatedAt: now })
      .where(
        and(
          eq(messages.id, letter.messageId),
          redrivable(),
          sql`EXISTS (SELECT 1 FROM dead_letters WHERE id = ${letter.id} AND redriven_at = ${now})`,
        ),
      ),
    eventIfChanged(db, {
      id: newId("event"),
      messageId: letter.messageId,
      status: "queued",
      reason,
      source: "internal",
      requestId,
      occurredAt: now,
    }),
  ] as const;
}

/** A discard's writes: the dead letter closed (if still pending) and, only then, an event. */
export function discardWrites(db: Database, letter: Letter, now: string, requestId: string, reason: string) {
  return [
    db
      .update(deadLetters)
      .set({ discardedAt: now })
      .where(and(eq(deadLetters.id, letter.id), isNull(deadLetters.redrivenAt), isNull(deadLetters.discardedAt)))
      .returning({ id: deadLetters.id }),
    eventIfChanged(db, {
      id: newId("event"),
      messageId: letter.messageId,
      status: "failed",
      reason,
      source: "internal",
      requestId,
      occurredAt: now,
    }),
  ] as const;
}
