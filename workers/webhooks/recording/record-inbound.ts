import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { requestAnalysis, secondsFrom } from "../../../shared/analysis/analysis-request";
import { type ConversationKey, currentConversation, previewOf, touchConversation } from "../../../shared/db/conversation-threading";
import { type Database, isUniqueViolation } from "../../../shared/db/database";
import { contacts, conversations, messageEvents, messages } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { pendingMediaRows } from "../media/inbound-media";
import type { Inbound, RecordResult } from "./callback";
import { inboundContact } from "./inbound-contact";
import { keywordEffect } from "./inbound-keyword";
import { keepUnmatched } from "./unmatched";

/** A new conversation for the key (every column, in table order), none when the message joins a current one. */
function conversationUnlessCurrent(inbound: Inbound, key: ConversationKey, tenantId: string, contactId: SQL | null, now: string): SQL {
  return sql`SELECT ${newId("conversation")}, ${tenantId}, ${key.channel}, ${inbound.provider.id}, ${inbound.to}, ${inbound.from},
      ${key.thread}, ${contactId ?? null}, 'open', 0, ${now}, NULL, NULL, ${now}, ${now}
    WHERE ${currentConversation(key, now)} IS NULL`;
}

/**
 * An incoming message becomes an `inbound` message of the provider's tenant, `delivered` on
 * arrival, in its conversation (the current one of its key, or a new one) with the sender's
 * contact (found, or made from the sender's hints), and its event — one D1 batch, deduplicated
 * by the callback's dedupe key: a replay aborts the whole batch and records nothing. A system
 * default provider belongs to no tenant, so what it receives is kept for diagnosis instead.
 */
export async function recordInbound(db: Database, inbound: Inbound, analysisDebounceSeconds = 0): Promise<RecordResult> {
  const reason = `inbound ${inbound.channel} received`;
  const tenantId = inbound.provider.tenantId;
  if (tenantId === null)
    return keepUnmatched(db, {
      ...inbound,
      kind: "inbound",
      status: "delivered",
      reason: `${reason}, but a system default provider has no tenant`,
    });
  const at = new Date();
  const now = at.toISOString();
  const id = newId("message");
  const key: ConversationKey = {
    tenantId,
    channel: inbound.channel,
    ourEndpoint: inbound.to,
    theirEndpoint: inbound.from,
    thread: inbound.thread ?? "",
  };
  const contact = inboundContact(tenantId, inbound.sender, now);
  const keyword = await keywordEffect(db, inbound, tenantId, now);
  const writes: BatchItem<"sqlite">[] = [
    db.insert(messageEvents).values({
      id: newId("event"),
      messageId: id,
      status: "delivered",
      reason: keyword ? `${reason}; ${keyword.note}` : reason,
      source: "provider",
      providerId: inbound.provider.id,
      rawPayload: inbound.rawPayload,
      dedupeKey: inbound.dedupeKey,
      requestId: inbound.requestId,
      occurredAt: now,
    }),
    ...(contact ? [db.insert(contacts).select(contact.rows)] : []),
    db.insert(conversations).select(conversationUnlessCurrent(inbound, key, tenantId, contact?.id ?? null, now)),
    db.insert(messages).values({
      id,
      tenantId,
      channel: inbound.channel,
      direction: "inbound",
      recipient: inbound.to,
      sender: inbound.from,
      content: inbound.body ? { text: inbound.body } : {},
      status: "delivered",
      providerId: inbound.provider.id,
      providerMessageId: inbound.providerMessageId,
      metadata: {},
      requestId: inbound.requestId,
      conversationId: currentConversation(key, now),
      createdAt: now,
      updatedAt: now,
    }),
    touchConversation(db, id, {
      at: now,
      preview: previewOf(inbound.body, inbound.media.length),
      inbound: true,
      providerId: inbound.provider.id,
      contactId: contact?.id,
    }),
    ...pendingMediaRows(db, inbound.media, { tenantId, messageId: id, providerId: inbound.provider.id }, now),
    ...(keyword?.writes ?? []),
    ...(keyword?.reply ? helpReplyWrites(db, inbound, key, keyword.reply, now) : []),
    // The analysis marker rides in the same batch (a no-op unless the tenant has analysis on): the
    // request is never lost, even when queueing the job afterwards fails.
    requestAnalysis(
      db,
      sql`(SELECT conversation_id FROM messages WHERE id = ${id})`,
      tenantId,
      secondsFrom(at, analysisDebounceSeconds),
      now,
    ),
  ];
  let results: unknown[];
  try {
    results = await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (error) {
    if (isUniqueViolation(error, "message_events")) return { result: "duplicate", messageIds: [] };
    throw error;
  }
  // The analysis marker is the batch's last write.
  const [analysis] = results.at(-1) as { conversationId: string; dueAt: string }[];
  return {
    result: "recorded",
    messageIds: [id],
    ...(inbound.media.length > 0 ? { withMedia: true } : {}),
    ...(keyword?.reply ? { reply: keyword.reply } : {}),
    ...(analysis ? { analysis: { conversationId: analysis.conversationId, tenantId, dueAt: analysis.dueAt } } : {}),
  };
}

/**
 * The tenant's HELP answer goes back in the provider's own reply (TwiML), so no send follows; it
 * is recorded as an outbound message of the conversation, `sent` by that provider, with its event
 * — a millisecond after the HELP itself, so the thread shows it after.
 */
function helpReplyWrites(db: Database, inbound: Inbound, key: ConversationKey, text: string, now: string): BatchItem<"sqlite">[] {
  const id = newId("message");
  const at = new Date(Date.parse(now) + 1).toISOString();
  const tenantId = key.tenantId;
  return [
    db.insert(messages).values({
      id,
      tenantId,
      channel: inbound.channel,
      direction: "outbound",
      recipient: inbound.from,
      sender: inbound.to,
      content: { text },
      status: "sent",
      providerId: inbound.provider.id,
      sentAt: at,
      attempts: 1,
      metadata: {},
      requestId: inbound.requestId,
      conversationId: currentConversation(key, at),
      createdAt: at,
      updatedAt: at,
    }),
    db.insert(messageEvents).values({
      id: newId("event"),
      messageId: id,
      status: "sent",
      reason: "HELP answered with the tenant's reply, in the provider's answer to the inbound message",
      source: "internal",
      providerId: inbound.provider.id,
      requestId: inbound.requestId,
      occurredAt: at,
    }),
    touchConversation(db, id, { at, preview: previewOf(text), inbound: false }),
  ];
}
