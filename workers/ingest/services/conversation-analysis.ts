import { and, asc, eq, sql } from "drizzle-orm";
import { modelContext } from "../../../shared/analysis/analysis-context";
import { requestAnalysis } from "../../../shared/analysis/analysis-request";
import type { AnalysisSettingsRequest } from "../../../shared/analysis/analysis-settings";
import { analysisSettingsOf, monthUsage, usageMonth } from "../../../shared/analysis/analysis-settings-store";
import { analysisView } from "../../../shared/analysis/analysis-view";
import { budgetSpent, labelsOf } from "../../../shared/analysis/analyze-conversation";
import { DraftNeedsModelError } from "../../../shared/analysis/analyzer";
import { type AnalyzerEnv, AnalyzerUnavailableError, analyzerFor } from "../../../shared/analysis/analyzer-for";
import { conversationEvent } from "../../../shared/analysis/conversation-event";
import { failureReason } from "../../../shared/analysis/failure-reason";
import { transcriptOf } from "../../../shared/analysis/transcript";
import type { Keyring } from "../../../shared/crypto/credential-cipher";
import type { Database } from "../../../shared/db/database";
import { analysisUsage, type ConversationRow, conversationAnalyses, conversationEvents } from "../../../shared/db/schema";
import { ConflictError, InvalidInputError, ProviderError } from "../../../shared/http/errors";
import { type OutboundPolicy, refusedUrl } from "../../../shared/providers/outbound-policy";
import { type AnalysisJob, enqueueAnalysis } from "../../../shared/queue/analysis-job";

const DRAFT_TIMEOUT_MS = 30_000;

/** A baseUrl the outbound policy refuses is a 400 naming it, as for provider addresses. */
export function checkAnalysisAddresses(request: AnalysisSettingsRequest, policy: OutboundPolicy): void {
  const refused = request.baseUrl ? refusedUrl(request.baseUrl, policy) : undefined;
  if (refused) throw new InvalidInputError("The settings failed validation", [{ path: "baseUrl", message: refused }]);
}

/**
 * A re-run: the analysis is requested now (no debounce) and queued. If the queue refuses, the
 * request stays pending in D1 and the dispatch cron's sweep queues it, so the answer is still 202.
 */
export async function rerunAnalysis(db: Database, queue: Queue<AnalysisJob>, conversation: ConversationRow, keyId: string) {
  const now = new Date().toISOString();
  const [requested] = await requestAnalysis(db, conversation.id, conversation.tenantId, now, now);
  if (!requested) throw new ConflictError("Analysis is off for this tenant: turn it on with PUT /v1/analysis/settings");
  await conversationEvent(db, {
    tenantId: conversation.tenantId,
    conversationId: conversation.id,
    type: "analysis.requested",
    reason: `re-run requested with key ${keyId}`,
    at: now,
  });
  await enqueueAnalysis(queue, { conversationId: conversation.id, tenantId: conversation.tenantId, dueAt: requested.dueAt });
  const row = await db.query.conversationAnalyses.findFirst({ where: eq(conversationAnalyses.conversationId, conversation.id) });
  if (!row) throw new ConflictError("The analysis request was overtaken; read the conversation again", { retryable: true });
  return analysisView(row);
}

export async function conversationEventsOf(db: Database, conversation: ConversationRow) {
  const rows = await db
    .select()
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversation.id), eq(conversationEvents.tenantId, conversation.tenantId)))
    // Events of one batch share their time: rowid keeps the order they were written in.
    .orderBy(asc(conversationEvents.occurredAt), sql`rowid`)
    .limit(500);
  return {
    items: rows.map((row) => ({ id: row.id, type: row.type, reason: row.reason, data: row.data, occurredAt: row.occurredAt })),
  };
}

/**
 * A suggested reply from the conversation's recent messages, by the tenant's model. Drafting
 * needs a model: the rules analyzer, a spent budget and analysis turned off are a 409. Tokens
 * count toward the month's usage.
 */
export async function draftReply(
  db: Database,
  deps: { keyring: Keyring } & AnalyzerEnv,
  conversation: ConversationRow,
  instruction: string | undefined,
) {
  const [settings, usage] = await Promise.all([
    analysisSettingsOf(db, deps.keyring, conversation.tenantId),
    monthUsage(db, conversation.tenantId),
  ]);
  if (!settings.enabled) throw new ConflictError("Analysis is off for this tenant: turn it on with PUT /v1/analysis/settings");
  if (budgetSpent(settings, usage.tokens))
    throw new ConflictError(`Drafting needs a model, and this month's token budget (${settings.monthlyTokenBudget}) is spent`);
  let draft: { text: string; tokens: number };
  try {
    const analyzer = analyzerFor(settings, deps);
    const transcript = await transcriptOf(db, conversation.id, conversation.channel, settings.maxContextMessages);
    const context = modelContext(transcript, {
      maxMessages: settings.maxContextMessages,
      maxCharacters: settings.maxContextCharacters,
      redact: settings.redact,
    });
    draft = await analyzer.draft({
      transcript: context,
      labels: labelsOf(settings),
      rules: settings.rules,
      instruction,
      abortSignal: AbortSignal.timeout(DRAFT_TIMEOUT_MS),
    });
  } catch (error) {
    if (error instanceof DraftNeedsModelError) throw new ConflictError(error.message);
    if (error instanceof AnalyzerUnavailableError) throw new ConflictError(`The analyzer cannot run: ${error.message}`);
    throw new ProviderError(`The model failed: ${failureReason(error)}`);
  }
  await db
    .insert(analysisUsage)
    .values({ tenantId: conversation.tenantId, month: usageMonth(), tokens: draft.tokens })
    .onConflictDoUpdate({
      target: [analysisUsage.tenantId, analysisUsage.month],
      set: { tokens: sql`${analysisUsage.tokens} + excluded.tokens` },
    });
  return { text: draft.text, analyzer: settings.analyzer, tokens: draft.tokens };
}
