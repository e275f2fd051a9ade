import { and, eq, inArray, isNotNull, isNull, lt, or, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { MessageStatus } from "../domain/enums";
import { REDRIVABLE, statusesThatMayBecome } from "../domain/status";
import type { Database } from "./database";
import { rowsFromJson } from "./json-rows";
import { messageEvents, messages } from "./schema";

/**
 * The message lifecycle as SQL guards, built on `shared/domain/status.ts`: every writer that
 * moves a message asks these, so a status or lease rule is stated once.
 */

/** No consumer holds the message: it has no lease, or its lease ran out. */
export function leaseLapsed(nowIso: string): SQL {
  return or(isNull(messages.leaseExpiresAt), lt(messages.leaseExpiresAt, nowIso)) as SQL;
}

/** A lease that ran out with no outcome written: its holder died, so what it sent is unknown. */
export function leaseAbandoned(nowIso: string): SQL {
  return and(eq(messages.status, "sending"), isNotNull(messages.leaseExpiresAt), lt(messages.leaseExpiresAt, nowIso)) as SQL;
}

/** Still held by the claim that set `lease`: only its holder may write the outcome. */
export function heldUnder(lease: string | null): SQL {
  return and(eq(messages.status, "sending"), eq(messages.leaseExpiresAt, lease ?? "")) as SQL;
}

/**
 * Dispatch may take it now: it may still become `sending`, or it is `sending` with its lease
 * lapsed (a retry, or a consumer that died). The dead-letter consumer fails only these too.
 */
export function claimable(nowIso: string): SQL {
  return or(inArray(messages.status, statusesThatMayBecome("sending")), and(eq(messages.status, "sending"), leaseLapsed(nowIso))) as SQL;
}

/** Its status may still move forward to `to`. */
export function mayBecome(to: MessageStatus): SQL {
  return inArray(messages.status, statusesThatMayBecome(to));
}

/** An operator may send it again from the dead letters. */
export function redrivable(): SQL {
  return inArray(messages.status, REDRIVABLE);
}

export type EventValues = typeof messageEvents.$inferInsert;

/**
 * The event of a guarded change, for the D1 batch right after the statement it reports: it is
 * written only if that statement changed a row (`changes() = 1`), so no event ever reports a
 * change another writer pre-empted. Later statements of the batch can depend on the event
 * (`eventWritten`). The select lists the columns in the table's order.
 */
export function eventIfChanged(db: Database, event: EventValues) {
  const payload = event.rawPayload === undefined || event.rawPayload === null ? null : JSON.stringify(event.rawPayload);
  return db.insert(messageEvents).select(
    sql`SELECT ${event.id}, ${event.messageId}, ${event.status}, ${event.reason ?? null}, ${event.source}, ${event.providerId ?? null},
      ${payload}, ${event.dedupeKey ?? null}, ${event.requestId ?? null}, ${event.occurredAt} WHERE changes() = 1`,
  );
}

/** True once the event with this id is written: the change it reports landed. */
export function eventWritten(eventId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM message_events WHERE id = ${eventId})`;
}

/**
 * Unconditional events (facts: the calls happened), any number of them as one statement: one
 * JSON parameter read by `json_each`, so a batch of 100 messages costs one statement here, not
 * one per event, and stays within D1's 100 bound parameters. Rows keep the array's order.
 */
export function insertEvents(db: Database, events: EventValues[]) {
  return insertEventsFromJson(db, JSON.stringify(events));
}

/** `insertEvents` with the events' JSON given, or a placeholder for it in a compiled statement. */
export function insertEventsFromJson(db: Database, events: string | Placeholder) {
  return db.insert(messageEvents).select(rowsFromJson(messageEvents, events));
}
