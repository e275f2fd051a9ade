import { and, desc, eq, sql } from "drizzle-orm";
import type { AnalysisOutcome } from "../../../shared/analysis/analysis-result";
import type { AnalysisSettings } from "../../../shared/analysis/analysis-settings";
import { sha256Hex } from "../../../shared/crypto/sha256";
import { previewOf, touchConversation } from "../../../shared/db/conversation-threading";
import type { Database } from "../../../shared/db/database";
import { type ConversationRow, conversationEvents, messageEvents, messages } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { smsSegments } from "../../../shared/domain/sms-segments";
import { log } from "../../../shared/observability/logger";
import type { AnalysisJob } from "../../../shared/queue/analysis-job";
import type { DeliveryJob } from "../../../shared/queue/delivery-job";

/** The suggested reply, when the tenant asked for auto-replies in this category and the analysis says one is needed. */
export function autoReplyText(settings: AnalysisSettings, outcome: AnalysisOutcome): string | undefined {
  const reply = outcome.suggestedReply?.trim();
  if (!reply || !outcome.needsReply || outcome.category === null) return undefined;
  return settings.autoReplyCategories.includes(outcome.category) ? reply : undefined;
}

/** One analysis request makes at most one auto-reply: its id comes from the request, so a redelivered job finds it made. */
async function autoReplyId(job: AnalysisJob): Promise<string> {
  return `msg_${(await sha256Hex(`auto-reply|${job.conversationId}|${job.dueAt}`)).slice(0, 21)}`;
}

async function lastMessageIsInbound(db: Database, conversationId: string): Promise<boolean> {
  const [last] = await db
    .select({ direction: messages.direction })
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return last?.direction === "inbound";
}

/**
 * Sends the analysis's suggested reply as an ordinary reply of the conversation: `queued`, to its
 * counterpart from our endpoint, in its platform thread, pinned to its provider (never failed
 * over), through the delivery queue like any message (opt-outs and suppression are checked at the
 * claim). Its `queued` event and the conversation's `analysis.auto_replied` event say it was sent
 * automatically. Skipped when someone replied after the last inbound message. The message, its
 * event and the conversation's change are one batch; a redelivered analysis job adds nothing.
 */
export async function sendAutoReply(
  deps: { db: Database; queue: Queue<DeliveryJob> },
  job: AnalysisJob,
  conversation: ConversationRow,
  outcome: AnalysisOutcome,
  text: string,
): Promise<string | undefined> {
  const { db } = deps;
  if (!(await lastMessageIsInbound(db, conversation.id))) return undefined;
  const id = await autoReplyId(job);
  const requestId = newId("request");
  const now = new Date().toISOString();
  const why = `sent automatically: the analysis (${outcome.analyzer}) put the conversation in ${outcome.category}, a category the tenant auto-replies to`;
  const [inserted] = await db.batch([
    db
      .insert(messages)
      .values({
        id,
        tenantId: conversation.tenantId,
        channel: conversation.channel,
        direction: "outbound",
        recipient: conversation.theirEndpoint,
        sender: conversation.ourEndpoint,
        content: conversation.thread === "" ? { text } : { text, thread: conversation.thread },
        status: "queued",
        segments: conversation.channel === "sms" ? smsSegments(text).segments : null,
        metadata: { autoReply: true, analysisCategory: outcome.category },
        requestId,
        conversationId: conversation.id,
        pinnedProviderId: conversation.providerId,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: messages.id }),
    // Only with the message this batch inserted (its created_at is this batch's): a repeat writes no second event.
    db.insert(messageEvents).select(
      db
        .select({
          id: sql<string>`${newId("event")}`.as("id"),
          messageId: messages.id,
          status: sql<"queued">`'queued'`.as("status"),
          reason: sql<string>`${`accepted; ${why}`}`.as("reason"),
          source: sql<"internal">`'internal'`.as("source"),
          providerId: sql<null>`NULL`.as("provider_id"),
          rawPayload: sql<null>`NULL`.as("raw_payload"),
          dedupeKey: sql<null>`NULL`.as("dedupe_key"),
          requestId: sql<string>`${requestId}`.as("request_id"),
          occurredAt: sql<string>`${now}`.as("occurred_at"),
        })
        .from(messages)
        .where(and(eq(messages.id, id), eq(messages.createdAt, now))),
    ),
    db.insert(conversationEvents).select(
      db
        .select({
          id: sql<string>`${newId("conversationEvent")}`.as("id"),
          tenantId: messages.tenantId,
          conversationId: sql<string>`${conversation.id}`.as("conversation_id"),
          type: sql<string>`'analysis.auto_replied'`.as("type"),
          reason: sql<string>`${why}`.as("reason"),
          data: sql<string>`json_object('messageId', ${id}, 'category', ${outcome.category})`.as("data"),
          occurredAt: sql<string>`${now}`.as("occurred_at"),
        })
        .from(messages)
        .where(and(eq(messages.id, id), eq(messages.createdAt, now))),
    ),
    touchConversation(db, id, { at: now, preview: previewOf(text), inbound: false }),
  ]);
  if (inserted.length === 0) return undefined;
  // Refused by the queue, it stays `queued` in D1 and the sweeper sends it.
  await deps.queue
    .send({ messageId: id, tenantId: conversation.tenantId, requestId })
    .catch((error) => log.warn("dispatch.auto_reply_enqueue_failed", { messageId: id, error: String(error) }));
  log.info("dispatch.auto_reply_queued", { conversationId: conversation.id, messageId: id });
  return id;
}
