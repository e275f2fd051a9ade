import { and, eq, sql } from "drizzle-orm";
import { type AnalysisOutcome, PRIORITY_RANK } from "../../../shared/analysis/analysis-result";
import { usageMonth } from "../../../shared/analysis/analysis-settings-store";
import { conversationEvent } from "../../../shared/analysis/conversation-event";
import type { Database } from "../../../shared/db/database";
import { analysisUsage, conversationAnalyses, conversations } from "../../../shared/db/schema";
import type { AnalysisJob } from "../../../shared/queue/analysis-job";
import { tenantEventWrites } from "../tenant-events/tenant-event-writes";

/** The conversation's own change number moves, so pollers of /v1/conversations/changes see the analysis. */
function touchConversation(db: Database, job: AnalysisJob, now: string) {
  return db.update(conversations).set({ updatedAt: now }).where(eq(conversations.id, job.conversationId));
}

/**
 * The result, its event, the tenant's `conversation.analyzed` event, the month's usage and the
 * conversation's change — one batch (its results carry the event's deliveries, due at
 * `eventsDueAt`). `done` only if no newer request came meanwhile; otherwise it stays `pending` for
 * that request's job.
 */
export async function writeAnalysis(
  db: Database,
  job: AnalysisJob,
  outcome: AnalysisOutcome,
  budgetExceeded: string | undefined,
  times: { now: string; eventsDueAt: string },
): Promise<unknown[]> {
  const { now } = times;
  const event = {
    tenantId: job.tenantId,
    conversationId: job.conversationId,
    at: now,
    data: { analyzer: outcome.analyzer, category: outcome.category, priority: outcome.priority, tokens: outcome.tokens },
  };
  return db.batch([
    db
      .update(conversationAnalyses)
      .set({
        status: sql`CASE WHEN ${conversationAnalyses.dueAt} = ${job.dueAt} THEN 'done' ELSE 'pending' END`,
        leaseUntil: null,
        retryAt: null,
        failures: 0,
        analyzer: outcome.analyzer,
        category: outcome.category,
        priority: outcome.priority,
        priorityRank: PRIORITY_RANK[outcome.priority],
        summary: outcome.summary,
        sentiment: outcome.sentiment,
        language: outcome.language,
        needsReply: outcome.needsReply,
        suggestedReply: outcome.suggestedReply,
        reason: budgetExceeded ?? null,
        tokens: outcome.tokens,
        analyzedAt: now,
        updatedAt: now,
      })
      .where(eq(conversationAnalyses.conversationId, job.conversationId)),
    ...(budgetExceeded ? [conversationEvent(db, { ...event, type: "analysis.budget_exceeded", reason: budgetExceeded })] : []),
    conversationEvent(db, {
      ...event,
      type: "analysis.done",
      reason: `analysed by ${outcome.analyzer}: ${outcome.category ?? "no category"}, ${outcome.priority}${outcome.tokens ? `, ${outcome.tokens} tokens` : ""}`,
    }),
    db
      .insert(analysisUsage)
      .values({
        tenantId: job.tenantId,
        month: usageMonth(new Date(now)),
        tokens: outcome.tokens,
        analyses: 1,
        fallbacks: budgetExceeded ? 1 : 0,
      })
      .onConflictDoUpdate({
        target: [analysisUsage.tenantId, analysisUsage.month],
        set: {
          tokens: sql`${analysisUsage.tokens} + excluded.tokens`,
          analyses: sql`${analysisUsage.analyses} + 1`,
          fallbacks: sql`${analysisUsage.fallbacks} + excluded.fallbacks`,
        },
      }),
    touchConversation(db, job, now),
    ...tenantEventWrites(db, {
      tenantId: job.tenantId,
      type: "conversation.analyzed",
      data: {
        conversationId: job.conversationId,
        analysis: {
          analyzer: outcome.analyzer,
          category: outcome.category,
          priority: outcome.priority,
          summary: outcome.summary,
          sentiment: outcome.sentiment,
          language: outcome.language,
          needsReply: outcome.needsReply,
          suggestedReply: outcome.suggestedReply,
          reason: budgetExceeded ?? null,
          tokens: outcome.tokens,
          analyzedAt: now,
        },
      },
      at: now,
      dueAt: times.eventsDueAt,
    }),
  ]);
}

/** A failed try: the reason is shown at once (the status stays pending while retries remain), with an event. */
export async function writeAttemptFailed(db: Database, job: AnalysisJob, reason: string, retryAt: string | null, now: string) {
  await db.batch([
    db
      .update(conversationAnalyses)
      .set({ leaseUntil: null, retryAt, reason, failures: sql`${conversationAnalyses.failures} + 1`, updatedAt: now })
      .where(and(eq(conversationAnalyses.conversationId, job.conversationId), eq(conversationAnalyses.dueAt, job.dueAt))),
    conversationEvent(db, {
      tenantId: job.tenantId,
      conversationId: job.conversationId,
      type: "analysis.attempt_failed",
      reason,
      data: retryAt ? { retryAt } : {},
      at: now,
    }),
  ]);
}

/**
 * Dead-lettered: `failed` with why, told to the tenant as `conversation.analysis_failed` (the
 * batch's results carry its deliveries) — unless a newer request has come since, which is analysed instead.
 */
export async function writeAnalysisFailed(
  db: Database,
  job: AnalysisJob,
  reason: string,
  times: { now: string; eventsDueAt: string },
): Promise<unknown[]> {
  const { now } = times;
  const failed = await db
    .update(conversationAnalyses)
    .set({ status: "failed", leaseUntil: null, retryAt: null, reason, updatedAt: now })
    .where(
      and(
        eq(conversationAnalyses.conversationId, job.conversationId),
        eq(conversationAnalyses.dueAt, job.dueAt),
        eq(conversationAnalyses.status, "pending"),
      ),
    )
    .returning({ conversationId: conversationAnalyses.conversationId });
  if (failed.length === 0) return [];
  return db.batch([
    conversationEvent(db, { tenantId: job.tenantId, conversationId: job.conversationId, type: "analysis.failed", reason, at: now }),
    touchConversation(db, job, now),
    ...tenantEventWrites(db, {
      tenantId: job.tenantId,
      type: "conversation.analysis_failed",
      data: { conversationId: job.conversationId, reason, failedAt: now },
      at: now,
      dueAt: times.eventsDueAt,
    }),
  ]);
}
