import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../shared/db/database";
import { eventIfChanged, heldUnder, insertEvents } from "../../shared/db/message-lifecycle";
import { type messageEvents, messages } from "../../shared/db/schema";
import { suppression } from "../../shared/db/suppression";
import { rejectedReason, unavailableReason } from "../../shared/domain/attempt-reason";
import type { MessageStatus } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import { OPTED_OUT_ERROR } from "../../shared/domain/opt-out";
import { REACHED_PROVIDER } from "../../shared/domain/status";
import { type Attempt, type Delivery, describeOutcome } from "./delivery";
import { firstPriceLookupAt } from "./price-lookups";
import { markDeviceGone } from "./push-recipient";

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
function statusUpdate(db: Database, { delivery, delaySeconds, deadLetter }: Settled, now: string, claimedAt: string) {
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
        currency: fate.currency ?? null,
        priceDueAt: fate.priceLater ? firstPriceLookupAt(now) : null,
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
  if (fate?.kind === "suppressed")
    return db.update(messages).set({ status: "failed", lastError: OPTED_OUT_ERROR, leaseExpiresAt: null, updatedAt: now }).where(owned);
  const lastError = fate?.kind === "retry" ? fate.reason : `rate limited; waiting ${delaySeconds}s`;
  // A message whose earlier send could not be looked up keeps a lapsed lease (the claim's own
  // time): the next claim sees it as taken over from a lost outcome and looks again first.
  const leaseExpiresAt = delivery.uncertainSince ? claimedAt : null;
  const retryAt = fate?.kind === "retry" && !deadLetter ? new Date(Date.parse(now) + delaySeconds * 1000).toISOString() : null;
  return db.update(messages).set({ lastError, leaseExpiresAt, retryAt, updatedAt: now }).where(owned);
}

function notRecordedElsewhere(providerMessageId: string, messageId: string) {
  return sql`NOT EXISTS (SELECT 1 FROM messages AS other WHERE other.provider_message_id = ${providerMessageId} AND other.id <> ${messageId})`;
}

function closingEvent({ delivery, delaySeconds, deadLetter, requestId }: Settled, now: string): EventRow | undefined {
  const fate = delivery.fate;
  if (fate?.kind === "retry") {
    // Names the provider the round ended at (called, or skipped for an open circuit), so a
    // message that only ever met open circuits is still found under that provider's dead letters.
    const providerId = delivery.attempts.at(-1)?.provider.id ?? delivery.skippedProviderId;
    const reason = deadLetter
      ? `${fate.reason}; the ${delivery.row.channel} retry schedule is spent: dead-lettering`
      : `${fate.reason}; retrying in ${delaySeconds}s`;
    return event(delivery.row.id, "sending", reason, now, requestId, providerId);
  }
  if (fate?.kind === "suppressed") return event(delivery.row.id, "failed", `${OPTED_OUT_ERROR}: not sent, ${fate.reason}`, now, requestId);
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

/** The reason a rejected push's device is gone, when the platform said so (UNREGISTERED, 410). */
function goneRecipient(delivery: Delivery): string | undefined {
  const outcome = delivery.fate?.kind === "rejected" ? delivery.attempts.at(-1)?.outcome : undefined;
  return outcome?.kind === "rejected" && outcome.recipientGone ? describeOutcome(outcome) : undefined;
}

/** `deadLetter`: the retry schedule of the message's channel is spent. */
export type Settled = { delivery: Delivery; delaySeconds: number; requestId: string; deadLetter?: boolean };

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
  for (const one of settled) {
    const { delivery, requestId } = one;
    const { row } = delivery;
    facts.push(event(row.id, "sending", `delivery round ${row.attempts}`, claimedAt, requestId));
    if (delivery.leftOut)
      facts.push(
        event(
          row.id,
          "sending",
          `${OPTED_OUT_ERROR}: not sent to ${delivery.leftOut.join(", ")}; the other recipients are`,
          claimedAt,
          requestId,
        ),
      );
    const found = delivery.fate?.kind === "sent" && delivery.fate.reconciled;
    for (const attempt of delivery.attempts) if (!found) facts.push(attemptEvent(row.id, attempt, requestId));
    decisions.push(statusUpdate(db, one, now, claimedAt));
    // "Found already sent" is said only if the guarded update accepted the found send.
    const closing = found ? attemptEvent(row.id, delivery.attempts[delivery.attempts.length - 1], requestId) : closingEvent(one, now);
    if (closing) decisions.push(eventIfChanged(db, closing));
    const gone = goneRecipient(delivery);
    if (gone) decisions.push(markDeviceGone(db, row, gone, now));
    if (delivery.fate?.kind === "rejected" && delivery.fate.suppresses)
      decisions.push(
        suppression(db, {
          tenantId: row.tenantId,
          channel: row.channel,
          address: row.recipient,
          source: delivery.fate.suppresses,
          reason: delivery.fate.reason,
          at: now,
        }),
      );
  }
  return facts.length > 0 ? [insertEvents(db, facts), ...decisions] : decisions;
}
