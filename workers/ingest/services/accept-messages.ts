import { inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { asD1Statement } from "../../../shared/db/compiled-statement";
import { previewOf } from "../../../shared/db/conversation-threading";
import { type Database, isUniqueViolation } from "../../../shared/db/database";
import { jsonRowChunks } from "../../../shared/db/json-rows";
import { type MessageRow, messages } from "../../../shared/db/schema";
import { envelopeOf, primaryRecipient } from "../../../shared/domain/email-envelope";
import { newId } from "../../../shared/domain/ids";
import { threadOf } from "../../../shared/domain/message-content";
import { type MessageView, messageView } from "../../../shared/domain/message-view";
import { smsSegments } from "../../../shared/domain/sms-segments";
import { InvalidInputError, PayloadTooLargeError, UnavailableError } from "../../../shared/http/errors";
import { CONVERSATION_CHANNELS } from "../../../shared/providers/registry";
import { type DeliveryJob, MAX_QUEUE_DELAY_SECONDS, queueDelaySeconds } from "../../../shared/queue/delivery-job";
import { type ConversationLookup, insertMessages, type RowToInsert, touchConversations } from "./acceptance-statements";
import { discardAttachments, storeAttachments } from "./email-attachments";
import { claimStatement, completeClaim, dropExpired, type IdempotencyClaim, priorUse, releaseStatement } from "./idempotency";
import { resolvePushRecipients } from "./push-recipients";
import { chargeStatements, chargesFor, isQuotaViolation, quotaExceeded, refundStatements, tenantQuotas } from "./quota-counter";
import type { AcceptableMessage } from "./templated-messages";

export type AcceptContext = {
  db: Database;
  queue: Queue<DeliveryJob>;
  /** Where an email's attachments are kept until the message is archived. */
  attachments: R2Bucket;
  tenantId: string;
  requestId: string;
  /** A reply names its conversation; any other send joins its counterpart's current conversation, if any. */
  conversationId?: (row: MessageRow) => string;
  /** A reply goes out only through its conversation's provider. */
  pinnedProviderId?: string;
};

export type Acceptance<T> = { answer: { status: number; body: T }; replayed: boolean };

/** Shapes the answer a request gets; stored with the idempotency key to replay it. */
export type AnswerShape<T> = (views: MessageView[]) => T;

function newRow(ctx: AcceptContext, request: AcceptableMessage, now: string, claim?: IdempotencyClaim): MessageRow {
  const id = newId("message");
  return {
    id,
    tenantId: ctx.tenantId,
    channel: request.channel,
    direction: "outbound",
    recipient: primaryRecipient(request.to),
    sender: request.from ?? null,
    subject: request.subject ?? null,
    content: request.content,
    email: request.channel === "email" ? envelopeOf(request, ctx.tenantId, id) : null,
    status: "queued",
    providerId: null,
    providerMessageId: null,
    cost: null,
    currency: null,
    segments: request.channel === "sms" ? smsSegments(request.content.text ?? "").segments : null,
    idempotencyKey: claim?.key ?? null,
    requestHash: claim?.requestHash ?? null,
    scheduledAt: request.scheduledAt ?? null,
    sentAt: null,
    priceDueAt: null,
    attempts: 0,
    lastError: null,
    leaseExpiresAt: null,
    retryAt: null,
    metadata: request.metadata ?? {},
    requestId: ctx.requestId,
    templateId: request.rendered?.templateId ?? null,
    templateVersion: request.rendered?.templateVersion ?? null,
    conversationId: null,
    changeSeq: null,
    pinnedProviderId: ctx.pinnedProviderId ?? null,
    acceptedReason: acceptedReason(request),
    createdAt: now,
    updatedAt: now,
  };
}

function lookupOf(ctx: AcceptContext, row: MessageRow): ConversationLookup {
  if (ctx.conversationId) return "named";
  if (!CONVERSATION_CHANNELS.has(row.channel)) return "none";
  return row.sender === null ? "any-sender" : "by-sender";
}

/** One insert per way of finding the conversation among the rows (a request has one, a mixed batch a few), per megabyte of rows. */
function insertStatements(ctx: AcceptContext, rows: MessageRow[]): D1PreparedStatement[] {
  const byLookup = new Map<ConversationLookup, RowToInsert[]>();
  for (const row of rows) {
    const lookup = lookupOf(ctx, row);
    const group = byLookup.get(lookup) ?? [];
    group.push({ ...row, conversationId: ctx.conversationId?.(row) ?? null, thread: threadOf(row.content) });
    byLookup.set(lookup, group);
  }
  // A batch of large messages is split so no statement's JSON nears D1's 2 MB string limit.
  return [...byLookup].flatMap(([lookup, group]) => jsonRowChunks(group).map((chunk) => insertMessages(ctx.db, lookup, { rows: chunk })));
}

/** The conversations the rows may have joined, touched in one statement; none when no row can join one. */
function touchStatements(ctx: AcceptContext, rows: MessageRow[], now: string): D1PreparedStatement[] {
  const touches = rows
    .filter((row) => lookupOf(ctx, row) !== "none")
    .map((row) => ({ messageId: row.id, preview: previewOf(row.content.text) }));
  return touches.length === 0 ? [] : [touchConversations(ctx.db, "outbound", { at: now, touches: JSON.stringify(touches) })];
}

/** The message's `queued` event, kept on its row (`shared/db/message-timeline.ts`). */
function acceptedReason(request: AcceptableMessage): string {
  const rendered = request.rendered;
  const from = rendered ? `; rendered from ${rendered.templateId} version ${rendered.templateVersion} (${rendered.locale})` : "";
  return request.scheduledAt ? `accepted${from}; scheduled for ${request.scheduledAt}` : `accepted${from}`;
}

/**
 * Accepting = one D1 batch (the messages, each carrying its `queued` event, the idempotency claim
 * and, under a quota, the usage counter — all or nothing) + one queue send. If the queue refuses, the batch
 * is undone and the caller gets a retryable error: nothing is left half-accepted.
 */
export async function acceptMessages<T>(
  ctx: AcceptContext,
  requests: AcceptableMessage[],
  shape: AnswerShape<T>,
  claim?: IdempotencyClaim,
  retried = false,
): Promise<Acceptance<T>> {
  const resolved = await recipientsOrReplay(ctx, requests, claim);
  if (!Array.isArray(resolved)) return resolved as Acceptance<T>;
  const nowDate = new Date();
  const now = nowDate.toISOString();
  const rows = resolved.map((request) => newRow(ctx, request, now, claim));
  // Stored with an Idempotency-Key only: without one, the answer is shaped once, after the batch.
  const claimed = claim ? { status: 202, body: shape(rows.map((row) => messageView(row))) } : undefined;
  if (claimed) assertStorable(claimed.body);

  const charges = chargesFor(await tenantQuotas(ctx.db, ctx.tenantId), rows);
  const inserts = insertStatements(ctx, rows);
  const writes: D1PreparedStatement[] = [
    ...chargeStatements(ctx.db, ctx.tenantId, charges, nowDate).map((charge) => asD1Statement(ctx.db, charge)),
    ...touchStatements(ctx, rows, now),
  ];
  if (claim && claimed) writes.unshift(asD1Statement(ctx.db, claimStatement(ctx.db, claim, claimed, nowDate)));

  const files = await storeAttachments(ctx.attachments, rows, resolved);
  try {
    const results = await ctx.db.$client.batch<{ id: string; conversation_id: string | null }>([...inserts, ...writes]);
    // The inserts' RETURNING rows come in no promised order: matched by id.
    const joined = new Map(
      results.slice(0, inserts.length).flatMap((inserted) => inserted.results.map((row) => [row.id, row.conversation_id])),
    );
    for (const row of rows) row.conversationId = joined.get(row.id) ?? null;
  } catch (error) {
    await discardAttachments(ctx.attachments, files);
    if (claim && !retried && isUniqueViolation(error, "idempotency_keys")) return resolvePriorUse(ctx, requests, shape, claim);
    if (isQuotaViolation(error)) throw await quotaExceeded(ctx.db, ctx.tenantId, charges, nowDate);
    throw new UnavailableError("The database did not accept the message; nothing was stored. Retry.");
  }

  try {
    await enqueue(ctx, rows, nowDate.getTime());
  } catch {
    await undoAcceptance(ctx, rows, claim, refundStatements(ctx.db, ctx.tenantId, charges, nowDate));
    await discardAttachments(ctx.attachments, files);
    throw new UnavailableError("The delivery queue is unavailable; the message was not accepted. Retry.");
  }
  // The answer now names each message's conversation, which only the batch could find.
  const answer = { status: 202, body: shape(rows.map((row) => messageView(row))) };
  if (claim) await completeClaim(ctx.db, claim, answer).catch(() => undefined);
  return { answer, replayed: false };
}

/**
 * The pushes' devices, resolved now. A retry of a keyed request that was accepted gets its first
 * answer even if a device has gone invalid since: only a request never accepted is refused.
 */
async function recipientsOrReplay(
  ctx: AcceptContext,
  requests: AcceptableMessage[],
  claim?: IdempotencyClaim,
): Promise<AcceptableMessage[] | Acceptance<unknown>> {
  try {
    return await resolvePushRecipients(ctx.db, ctx.tenantId, requests);
  } catch (error) {
    if (!claim || !(error instanceof InvalidInputError)) throw error;
    const prior = await priorUse(ctx.db, claim);
    if (prior.kind === "replay") return { answer: prior.answer, replayed: true };
    throw error;
  }
}

/**
 * The first answer is stored with the Idempotency-Key to replay it; a D1 row holds at most
 * 2 MB, so a keyed request whose answer is larger must be split (a clear 413, not a 503).
 */
const MAX_STORED_ANSWER_BYTES = 1_500_000;
function assertStorable(body: unknown): void {
  if (new TextEncoder().encode(JSON.stringify(body)).byteLength > MAX_STORED_ANSWER_BYTES)
    throw new PayloadTooLargeError(
      MAX_STORED_ANSWER_BYTES,
      "With an Idempotency-Key the messages of one request may total at most 1.5 MB; send smaller batches",
    );
}

async function resolvePriorUse<T>(
  ctx: AcceptContext,
  requests: AcceptableMessage[],
  shape: AnswerShape<T>,
  claim: IdempotencyClaim,
): Promise<Acceptance<T>> {
  const prior = await priorUse(ctx.db, claim);
  // The stored body was made by the same shape for the same request (the hashes match).
  if (prior.kind === "replay") return { answer: prior.answer as { status: number; body: T }, replayed: true };
  await dropExpired(ctx.db, claim);
  return acceptMessages(ctx, requests, shape, claim, true);
}

async function enqueue(ctx: AcceptContext, rows: MessageRow[], now: number): Promise<void> {
  const jobs = rows
    .map((row) => ({ row, delaySeconds: queueDelaySeconds(row.scheduledAt, now) }))
    // Beyond the queue's 12 h delay limit the dispatch cron releases the message when due.
    .filter((job) => job.delaySeconds <= MAX_QUEUE_DELAY_SECONDS)
    .map(({ row, delaySeconds }) => ({
      body: { messageId: row.id, tenantId: row.tenantId, requestId: ctx.requestId } satisfies DeliveryJob,
      delaySeconds,
    }));
  if (jobs.length === 1) await ctx.queue.send(jobs[0].body, { delaySeconds: jobs[0].delaySeconds });
  else if (jobs.length > 1) await ctx.queue.sendBatch(jobs);
}

async function undoAcceptance(
  ctx: AcceptContext,
  rows: MessageRow[],
  claim: IdempotencyClaim | undefined,
  refunds: BatchItem<"sqlite">[],
): Promise<void> {
  const ids = rows.map((row) => row.id);
  const undo: BatchItem<"sqlite">[] = [...refunds, ctx.db.delete(messages).where(inArray(messages.id, ids))];
  if (claim) undo.push(releaseStatement(ctx.db, claim));
  // If even this fails the rows stay `queued` and the dispatch sweeper delivers them; a
  // retry with the same Idempotency-Key then replays the stored answer.
  await ctx.db.batch(undo as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]).catch(() => undefined);
}
