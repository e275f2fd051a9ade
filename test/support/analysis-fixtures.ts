import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { MockLanguageModelV3 } from "ai/test";
import { eq, sql } from "drizzle-orm";
import { type AnalysisSettingsRequest, analysisSettingsRequestSchema } from "../../shared/analysis/analysis-settings";
import { saveAnalysisSettings } from "../../shared/analysis/analysis-settings-store";
import { keyringFromEnv } from "../../shared/crypto/credential-cipher";
import { conversationAnalyses, conversationEvents, conversations, messages } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import type { AnalysisJob } from "../../shared/queue/analysis-job";
import { db } from "./d1-fixtures";

export const LABELS = ["billing", "technical_issue", "spam"];

/** Settings saved through the same store as the API, parsed by the API's schema (its defaults apply). */
export async function settingsFor(tenantId: string, settings: Partial<AnalysisSettingsRequest> & { enabled?: boolean } = {}) {
  const request = analysisSettingsRequestSchema.parse({
    enabled: true,
    analyzer: "openai-compatible",
    baseUrl: "https://models.example.com/v1",
    model: "test-model",
    apiKey: "sk-test-0000-secret",
    categories: LABELS,
    ...settings,
  });
  return saveAnalysisSettings(db(), keyringFromEnv(env), tenantId, request);
}

type Line = { direction: "inbound" | "outbound"; text: string };

/** A conversation with these messages, oldest first, one second apart. */
export async function conversationWith(tenantId: string, lines: Line[]): Promise<string> {
  const id = newId("conversation");
  const start = Date.now() - lines.length * 1000;
  const now = new Date().toISOString();
  await db().insert(conversations).values({
    id,
    tenantId,
    channel: "sms",
    ourEndpoint: "+15005550006",
    theirEndpoint: "+14155550199",
    lastMessageAt: now,
    createdAt: now,
    updatedAt: now,
  });
  for (const [index, line] of lines.entries()) {
    const at = new Date(start + index * 1000).toISOString();
    await db()
      .insert(messages)
      .values({
        id: newId("message"),
        tenantId,
        channel: "sms",
        direction: line.direction,
        recipient: line.direction === "inbound" ? "+15005550006" : "+14155550199",
        sender: line.direction === "inbound" ? "+14155550199" : "+15005550006",
        content: { text: line.text },
        status: "delivered",
        conversationId: id,
        createdAt: at,
        updatedAt: at,
      });
  }
  return id;
}

/** The analysis as a request leaves it: pending, due at `dueAt`. */
export async function pendingAnalysis(tenantId: string, conversationId: string, dueAt = new Date(Date.now() - 1000).toISOString()) {
  await db()
    .insert(conversationAnalyses)
    .values({ conversationId, tenantId, status: "pending", dueAt, updatedAt: new Date().toISOString() })
    .onConflictDoUpdate({ target: conversationAnalyses.conversationId, set: { status: "pending", dueAt } });
  return { conversationId, tenantId, dueAt } satisfies AnalysisJob;
}

export async function analysisOf(conversationId: string) {
  return db().query.conversationAnalyses.findFirst({ where: (a, { eq }) => eq(a.conversationId, conversationId) });
}

export async function conversationEventsOf(conversationId: string) {
  return db()
    .select()
    .from(conversationEvents)
    .where(eq(conversationEvents.conversationId, conversationId))
    .orderBy(conversationEvents.occurredAt, sql`rowid`);
}

let sequence = 0;
export function analysisBatchOf(jobs: AnalysisJob[], queue = "analysis", attempts = 1) {
  return createMessageBatch<AnalysisJob>(
    queue,
    jobs.map((body) => ({ id: `an-${++sequence}`, timestamp: new Date(), attempts, body })),
  );
}

export const USAGE = {
  inputTokens: { total: 100, noCache: 100, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 20, text: 20, reasoning: undefined },
};

/** An AI SDK mock model answering `text` (or throwing `error`) to every call; its calls are kept. */
export function mockModel(answer: { text: string } | { error: Error }) {
  return new MockLanguageModelV3({
    doGenerate: async () => {
      if ("error" in answer) throw answer.error;
      return {
        content: [{ type: "text", text: answer.text }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: USAGE,
        warnings: [],
      };
    },
  });
}

export const validOutput = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    category: "billing",
    priority: "high",
    summary: "The customer was charged twice and wants a refund.",
    sentiment: "negative",
    language: "en",
    needsReply: true,
    suggestedReply: "Sorry about that — we are refunding the second charge now.",
    ...overrides,
  });
