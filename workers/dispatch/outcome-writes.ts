import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../shared/db/database";
import { eventIfChanged, heldUnder } from "../../shared/db/message-lifecycle";
import { messageEvents, messages } from "../../shared/db/schema";
import { rejectedReason, unavailableReason } from "../../shared/domain/attempt-reason";
import type { MessageStatus } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import { REACHED_PROVIDER } from "../../shared/domain/status";
import { type Attempt, type Delivery, describeOutcome } from "./delivery";

type EventRow = typeof messageEvents.$inferInsert;

function event(messageId: string, status: MessageStatus, reason: string, at: string, requestId: string, providerId?: string): EventRow {
  return { id: newId("event"), messageId, status, reason, source: "internal", providerId: providerId ?? null, requestId, occurredAt: at };
}

function attemptEvent(messageId: string, attempt: Attempt, requestId: string): EventRow {
  const { provider, outcome } = attempt;
  const via = `${provider.type} ${provider.name} (${provider.id})`;
  if (outcome.kind === "sent" && outcome.reconciled)
    return event(
      messageId,
      "sent",
      `found already sent at ${via} after a lost outcome; not sent again`,
      attempt.at,
      requestId,
      provider.id,
    );
  if (outcome.kind === "sent") return event(messageId, "sent", `sent via ${via}`, attempt.at, requestId, provider.id);
  if (outcome.kind === "rejected")
    return event(messageId, "failed", rejectedReason(via, describeOutcome(outcome)), attempt.at, requestId, provider.id);
  return event(messageId, "sending", unavailableReason(via, describeOutcome(outcome)), attempt.at, requestId, provider.id);
}

/**
 * The status change a settled delivery makes. Guarded by the lease: it lands only while this
 * consumer still owns the `sending` row (another may have taken it over after the lease ran out).
 */
function statusUpdate(db: Database, delivery: Delivery, now: string, delaySeconds: number, claimedAt: string) {
  const ours = heldUnder(delivery.row.leaseExpiresAt);
  const owned = and(eq(messages.id, delivery.row.id), ours);
  const fate = delivery.fate;
  // A fast provider's callback may have moved the message on (sent, delivered) before this
  // write: the delivery fields are still filled in, and the status never moves back.
  if (fate?.kind === "sent")
    return db
      .update(messages)
      .set({
        status: sql`CASE WHEN ${messages.status} = 'sending' THEN 'sent' ELSE ${messages.status} END`,
        providerId: fate.provider.id,
        providerMessageId: fate.providerMessageId,
        cost: fate.cost ?? null,
        sentAt: sql`coalesce(${messages.sentAt}, ${now})`,
        lastError: null,
        leaseExpiresAt: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(messages.id, delivery.row.id),
          or(ours, inArray(messages.status, REACHED_PROVIDER)),
          // A send found at the provider is this message's only if no other message holds it.
          fate.reconciled ? notRecordedElsewhere(fate.providerMessageId, delivery.row.id) : undefined,
        ),
      );
  if (fate?.kind === "rejected")
    return db
      .update(messages)
      .set({ status: "failed", providerId: fate.provider.id, lastError: fate.reason, leaseExpiresAt: null, updatedAt: now })
      .where(owned);
  const lastError = fate?.kind === "retry" ? fate.reason : `rate limited; waiting ${delaySeconds}s`;
  // A message whose earlier send could not be looked up keeps a lapsed lease (the claim's own
  // time): the next claim sees it as taken over from a lost outcome and looks again first.
  const leaseExpiresAt = delivery.uncertainSince ? claimedAt : null;
  return db.update(messages).set({ lastError, leaseExpiresAt, updatedAt: now }).where(owned);
}

function notRecordedElsewhere(providerMessageId: string, messageId: string) {
  return sql`NOT EXISTS (SELECT 1 FROM messages AS other WHERE other.provider_message_id = ${providerMessageId} AND other.id <> ${messageId})`;
}

function closingEvent(delivery: Delivery, now: string, requestId: string, delaySeconds: number): EventRow | undefined {
  const fate = delivery.fate;
  if (fate?.kind === "retry") {
    // Names the provider the round ended at (called, or skipped for an open circuit), so a
    // message that only ever met open circuits is still found under that provider's dead letters.
    const providerId = delivery.attempts.at(-1)?.provider.id ?? delivery.skippedProviderId;
    return event(delivery.row.id, "sending", `${fate.reason}; retrying in ${delaySeconds}s`, now, requestId, providerId);
  }
  if (fate?.kind === "deferred")
    return event(
      delivery.row.id,
      "sending",
      `over ${fate.provider.name}'s TPS limit; waiting ${delaySeconds}s`,
      now,
      requestId,
      fate.provider.id,
    );
  return undefined;
}

export type Settled = { delivery: Delivery; delaySeconds: number; requestId: string };

/**
 * Every status change and event of a queue batch, for one `db.batch()`: a `sending` event
 * per round and one per provider attempt (facts: the calls happened), then each status update
 * and, only if that update landed, its closing event for a retry or a wait, or the event of an
 * earlier send found at the provider.
 */
export function outcomeWrites(db: Database, settled: Settled[], claimedAt: string): BatchItem<"sqlite">[] {
  const now = new Date().toISOString();
  const facts: EventRow[] = [];
  const decisions: BatchItem<"sqlite">[] = [];
  for (const { delivery, delaySeconds, requestId } of settled) {
    const { row } = delivery;
    facts.push(event(row.id, "sending", `delivery round ${row.attempts}`, claimedAt, requestId));
    const found = delivery.fate?.kind === "sent" && delivery.fate.reconciled;
    for (const attempt of delivery.attempts) if (!found) facts.push(attemptEvent(row.id, attempt, requestId));
    decisions.push(statusUpdate(db, delivery, now, delaySeconds, claimedAt));
    // "Found already sent" is said only if the guarded update accepted the found send.
    const closing = found
      ? attemptEvent(row.id, delivery.attempts[delivery.attempts.length - 1], requestId)
      : closingEvent(delivery, now, requestId, delaySeconds);
    if (closing) decisions.push(eventIfChanged(db, closing));
  }
  return [...facts.map((row) => db.insert(messageEvents).values(row)), ...decisions];
}
