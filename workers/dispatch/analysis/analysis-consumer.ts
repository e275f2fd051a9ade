import { and, eq, isNull, lt, or } from "drizzle-orm";
import { secondsFrom } from "../../../shared/analysis/analysis-request";
import { analysisSettingsOf, monthUsage } from "../../../shared/analysis/analysis-settings-store";
import { analyzeConversation } from "../../../shared/analysis/analyze-conversation";
import { type AnalyzerEnv, AnalyzerUnavailableError } from "../../../shared/analysis/analyzer-for";
import { failureReason } from "../../../shared/analysis/failure-reason";
import { transcriptOf } from "../../../shared/analysis/transcript";
import { DecryptionError, keyringFromEnv } from "../../../shared/crypto/credential-cipher";
import { type Database, database } from "../../../shared/db/database";
import { type ConversationAnalysisRow, conversationAnalyses, conversations } from "../../../shared/db/schema";
import { log } from "../../../shared/observability/logger";
import { outboundPolicyFromEnv } from "../../../shared/providers/outbound-policy";
import type { AnalysisJob } from "../../../shared/queue/analysis-job";
import type { DispatchEnv } from "../env";
import { eventSettings } from "../tenant-events/event-settings";
import { queueTenantEventDeliveries } from "../tenant-events/tenant-event-writes";
import { analysisVars } from "./analysis-vars";
import { writeAnalysis, writeAnalysisFailed, writeAttemptFailed } from "./analysis-writes";
import { autoReplyText, sendAutoReply } from "./auto-reply";

/** A setting that no retry can mend (no binding, a refused address, a key that will not open): dead-lettered at once. */
function permanent(error: unknown): boolean {
  return error instanceof AnalyzerUnavailableError || error instanceof DecryptionError;
}

function reasonOf(error: unknown): string {
  return `analysis failed: ${failureReason(error)}`;
}

async function currentRequest(db: Database, conversationId: string) {
  return db.query.conversationAnalyses.findFirst({ where: eq(conversationAnalyses.conversationId, conversationId) });
}

/** Takes the request for this job: pending, the same due time, no live lease. Only one consumer wins. */
async function claim(db: Database, job: AnalysisJob, now: Date, leaseSeconds: number): Promise<ConversationAnalysisRow | undefined> {
  const at = now.toISOString();
  const [row] = await db
    .update(conversationAnalyses)
    .set({ leaseUntil: secondsFrom(now, leaseSeconds), updatedAt: at })
    .where(
      and(
        eq(conversationAnalyses.conversationId, job.conversationId),
        eq(conversationAnalyses.status, "pending"),
        eq(conversationAnalyses.dueAt, job.dueAt),
        or(isNull(conversationAnalyses.leaseUntil), lt(conversationAnalyses.leaseUntil, at)),
      ),
    )
    .returning();
  return row;
}

type Verdict = { kind: "ack" } | { kind: "later"; delaySeconds: number } | { kind: "run"; row: ConversationAnalysisRow };

/**
 * What to do with a job: an overtaken request (a newer message moved the due time) or one already
 * answered is acknowledged; one that is early, or running elsewhere, comes back later.
 */
async function verdictFor(db: Database, job: AnalysisJob, now: Date, leaseSeconds: number): Promise<Verdict> {
  const current = await currentRequest(db, job.conversationId);
  if (current?.status !== "pending" || current.dueAt !== job.dueAt) return { kind: "ack" };
  const early = (Date.parse(current.dueAt) - now.getTime()) / 1000;
  if (early > 0.5) return { kind: "later", delaySeconds: Math.ceil(early) };
  const row = await claim(db, job, now, leaseSeconds);
  if (row) return { kind: "run", row };
  const leaseLeft = current.leaseUntil ? (Date.parse(current.leaseUntil) - now.getTime()) / 1000 : 0;
  return leaseLeft > 0 ? { kind: "later", delaySeconds: Math.ceil(leaseLeft) + 1 } : { kind: "ack" };
}

async function analyse(env: DispatchEnv, db: Database, job: AnalysisJob, timeoutMs: number, models: AnalyzerEnv["models"]) {
  const [settings, usage, conversation] = await Promise.all([
    analysisSettingsOf(db, keyringFromEnv(env), job.tenantId),
    monthUsage(db, job.tenantId),
    db.query.conversations.findFirst({ where: eq(conversations.id, job.conversationId) }),
  ]);
  if (!conversation) throw new AnalyzerUnavailableError("the conversation no longer exists");
  if (!settings.enabled) throw new AnalyzerUnavailableError("analysis was turned off for this tenant before it ran");
  const transcript = await transcriptOf(db, job.conversationId, conversation.channel, Math.max(settings.maxContextMessages, 50));
  const run = await analyzeConversation(
    settings,
    transcript,
    { AI: env.AI, policy: outboundPolicyFromEnv(env), models },
    usage.tokens,
    AbortSignal.timeout(timeoutMs),
  );
  return { ...run, settings, conversation };
}

/** The tenant's auto-reply, if this analysis calls for one; its failure is logged and never undoes the analysis. */
async function autoReplyAfter(env: DispatchEnv, db: Database, job: AnalysisJob, run: Awaited<ReturnType<typeof analyse>>) {
  const text = autoReplyText(run.settings, run.outcome);
  if (!text) return;
  await sendAutoReply({ db, queue: env.DELIVERY_QUEUE }, job, run.conversation, run.outcome, text).catch((error) =>
    log.error("dispatch.auto_reply_failed", { conversationId: job.conversationId, error: String(error) }),
  );
}

async function handleFailure(env: DispatchEnv, db: Database, message: Message<AnalysisJob>, row: ConversationAnalysisRow, error: unknown) {
  const vars = analysisVars(env);
  const job = message.body;
  const reason = reasonOf(error);
  const now = new Date();
  const delay = permanent(error) ? undefined : vars.retrySchedule[row.failures];
  if (delay !== undefined) {
    await writeAttemptFailed(db, job, reason, secondsFrom(now, delay), now.toISOString());
    message.retry({ delaySeconds: delay });
    return;
  }
  await writeAttemptFailed(db, job, reason, null, now.toISOString());
  try {
    await env.ANALYSIS_DEAD_LETTER_QUEUE.send({ ...job, reason });
    message.ack();
  } catch (dlqError) {
    log.error("dispatch.analysis_dead_letter_failed", { conversationId: job.conversationId, error: String(dlqError) });
    message.retry();
  }
}

async function handle(env: DispatchEnv, db: Database, message: Message<AnalysisJob>, models: AnalyzerEnv["models"]) {
  const vars = analysisVars(env);
  const job = message.body;
  const verdict = await verdictFor(db, job, new Date(), vars.leaseSeconds);
  if (verdict.kind === "ack") return message.ack();
  if (verdict.kind === "later") return message.retry({ delaySeconds: verdict.delaySeconds });
  try {
    const run = await analyse(env, db, job, vars.timeoutMs, models);
    const results = await writeAnalysis(db, job, run.outcome, run.budgetExceeded, eventTimes(env));
    await autoReplyAfter(env, db, job, run);
    message.ack();
    await queueTenantEventDeliveries(env.EVENTS_QUEUE, results);
  } catch (error) {
    await handleFailure(env, db, message, verdict.row, error);
  }
}

/** Now, and when the sweep queues a tenant event's delivery that could not be queued at once. */
function eventTimes(env: DispatchEnv): { now: string; eventsDueAt: string } {
  const now = Date.now();
  return { now: new Date(now).toISOString(), eventsDueAt: new Date(now + eventSettings(env).sweepAfterSeconds * 1000).toISOString() };
}

/** The `analysis` queue: each job on its own, so one slow model call holds only its own conversation. */
export async function analysisBatch(env: DispatchEnv, batch: MessageBatch<AnalysisJob>, models?: AnalyzerEnv["models"]): Promise<void> {
  const db = database(env.DB);
  await Promise.all(
    batch.messages.map((message) =>
      handle(env, db, message, models).catch((error) => {
        log.error("dispatch.analysis_error", { conversationId: message.body.conversationId, error: String(error) });
        message.retry();
      }),
    ),
  );
}

/**
 * `analysis-dlq`: jobs whose retries are spent (their reason says why) and jobs whose processing
 * itself kept failing (D1 down). The conversation shows `failed` with the reason; a re-run starts over.
 */
export async function analysisDeadLetters(env: DispatchEnv, batch: MessageBatch<AnalysisJob>): Promise<void> {
  const db = database(env.DB);
  for (const message of batch.messages) {
    const reason = message.body.reason ?? "analysis failed: the analysis queue gave up after repeated processing errors";
    const results = await writeAnalysisFailed(db, message.body, reason, eventTimes(env));
    message.ack();
    await queueTenantEventDeliveries(env.EVENTS_QUEUE, results);
  }
}
