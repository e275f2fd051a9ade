import { and, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Database, isUniqueViolation } from "../../../shared/db/database";
import { mayBecome } from "../../../shared/db/message-lifecycle";
import { type MessageRow, messageEvents, messages } from "../../../shared/db/schema";
import { suppression } from "../../../shared/db/suppression";
import { newId } from "../../../shared/domain/ids";
import { REACHED_PROVIDER } from "../../../shared/domain/status";
import type { CallbackOutcome } from "../../../shared/providers/provider";
import type { RecordResult, VerifiedCallback } from "./callback";
import { keepUnmatched } from "./unmatched";

/** A provider id names one message; a handful is already suspicious. */
const MAX_MESSAGES_PER_CALLBACK = 10;

/**
 * The messages a callback is about, never another tenant's: found by the provider's id among
 * this provider's outbound messages, or by Relay's id from the signed URL while dispatch has not
 * yet stored the provider's id (then the message must belong to this provider's tenant).
 */
async function messagesFor(db: Database, callback: VerifiedCallback): Promise<MessageRow[]> {
  const { provider, providerMessageId, messageIdHint } = callback;
  if (messageIdHint) {
    const conditions: (SQL | undefined)[] = [
      eq(messages.id, messageIdHint),
      eq(messages.direction, "outbound"),
      or(isNull(messages.providerId), eq(messages.providerId, provider.id)),
      or(isNull(messages.providerMessageId), eq(messages.providerMessageId, providerMessageId)),
      provider.tenantId === null ? undefined : eq(messages.tenantId, provider.tenantId),
    ];
    const hinted = await db
      .select()
      .from(messages)
      .where(and(...conditions))
      .limit(1);
    if (hinted.length > 0) return hinted;
  }
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.providerMessageId, providerMessageId), eq(messages.providerId, provider.id), eq(messages.direction, "outbound")))
    .limit(MAX_MESSAGES_PER_CALLBACK);
}

/** A notification about other recipients of the same send is recorded on this message without moving it. */
function concernsRecipient(callback: VerifiedCallback, message: MessageRow): boolean {
  const { recipients } = callback;
  return !recipients || recipients.some((recipient) => recipient.toLowerCase() === message.recipient.toLowerCase());
}

function outcomeFor(callback: VerifiedCallback, message: MessageRow): CallbackOutcome {
  return concernsRecipient(callback, message) ? callback.outcome : { ...callback.outcome, advances: false };
}

/** Moves the message to the outcome's status only from a status that may still become it. */
function advance(db: Database, callback: VerifiedCallback, message: MessageRow, outcome: CallbackOutcome, now: string) {
  const reachedProvider = REACHED_PROVIDER.includes(outcome.status);
  return db
    .update(messages)
    .set({
      status: outcome.status,
      providerId: sql`coalesce(${messages.providerId}, ${callback.provider.id})`,
      providerMessageId: sql`coalesce(${messages.providerMessageId}, ${callback.providerMessageId})`,
      ...(outcome.status === "failed" ? { lastError: outcome.reason } : {}),
      ...(reachedProvider ? { sentAt: sql`coalesce(${messages.sentAt}, ${now})` } : {}),
      updatedAt: now,
    })
    .where(and(eq(messages.id, message.id), mayBecome(outcome.status)));
}

function writesFor(db: Database, callback: VerifiedCallback, message: MessageRow, dedupeKey: string, now: string): BatchItem<"sqlite">[] {
  const outcome = outcomeFor(callback, message);
  const event = db.insert(messageEvents).values({
    id: newId("event"),
    messageId: message.id,
    status: outcome.status,
    reason: outcome.reason,
    source: "provider",
    providerId: callback.provider.id,
    rawPayload: callback.rawPayload,
    dedupeKey,
    requestId: callback.requestId,
    occurredAt: now,
  });
  const writes: BatchItem<"sqlite">[] = outcome.advances ? [advance(db, callback, message, outcome, now), event] : [event];
  if (callback.outcome.suppresses && concernsRecipient(callback, message))
    writes.push(
      suppression(db, {
        tenantId: message.tenantId,
        channel: message.channel,
        address: message.recipient,
        source: callback.outcome.suppresses,
        reason: callback.outcome.reason,
        at: now,
      }),
    );
  return writes;
}

/**
 * Records a verified callback: per message it concerns, one provider event and (when the outcome
 * advances) a forward-only status change, all in one D1 batch. A replay hits the unique dedupe
 * key, which aborts the whole batch, so it records nothing — not even a status change. A callback
 * for no known message is kept apart for diagnosis.
 */
export async function recordCallback(db: Database, callback: VerifiedCallback): Promise<RecordResult> {
  const targets = await messagesFor(db, callback);
  if (targets.length === 0) {
    const { outcome } = callback;
    return keepUnmatched(db, { ...callback, kind: callback.event, status: outcome.status, reason: outcome.reason });
  }
  const now = new Date().toISOString();
  const keyFor = (message: MessageRow) => (targets.length === 1 ? callback.dedupeKey : `${callback.dedupeKey}:${message.id}`);
  const writes = targets.flatMap((message) => writesFor(db, callback, message, keyFor(message), now));
  const messageIds = targets.map((message) => message.id);
  try {
    await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (error) {
    if (isUniqueViolation(error, "message_events")) return { result: "duplicate", messageIds };
    throw error;
  }
  return { result: "recorded", messageIds };
}
