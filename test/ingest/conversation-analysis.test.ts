import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyringFromEnv } from "../../shared/crypto/credential-cipher";
import { analysisUsage, conversationAnalyses } from "../../shared/db/schema";
import type { AnalysisJob } from "../../shared/queue/analysis-job";
import { draftReply } from "../../workers/ingest/services/conversation-analysis";
import { analysisOf, conversationWith, mockModel } from "../support/analysis-fixtures";
import {
  call,
  callApp,
  createOpsKey,
  createTenant,
  detailPaths,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  type TenantFixture,
} from "../support/api";
import { db } from "../support/d1-fixtures";

type Settings = { enabled: boolean; analyzer: string; apiKeyMask: string | null; categories: string[]; usage: { tokens: number } } & Record<
  string,
  unknown
>;
type Analysis = { status: string; category: string | null; priority: string | null; analyzer: string | null; reason: string | null };
type Conversation = { id: string; analysis: Analysis | null };

const SECRET_KEY = "sk-live-abcdefghijklmnop-9f3e";

async function tenant(): Promise<TenantFixture> {
  return createTenant(await createOpsKey(), "Analysis tenant");
}

function putSettings(fixture: TenantFixture, body: Record<string, unknown>) {
  return call<Settings>("PUT", "/v1/analysis/settings", { key: fixture.adminKey, body });
}

function analysisQueueSpy() {
  const jobs: AnalysisJob[] = [];
  const queue = { send: async (job: AnalysisJob) => void jobs.push(job) } as unknown as Queue<AnalysisJob>;
  return { queue, jobs };
}

const brokenQueue = {
  send: async () => {
    throw new Error("queue down");
  },
  sendBatch: async () => {
    throw new Error("queue down");
  },
} as unknown as Queue<AnalysisJob>;

async function analysed(tenantId: string, values: { category: string; priority: "urgent" | "high" | "normal" | "low"; rank: number }) {
  const conversationId = await conversationWith(tenantId, [{ direction: "inbound", text: `about ${values.category}` }]);
  const now = new Date().toISOString();
  await db().insert(conversationAnalyses).values({
    conversationId,
    tenantId,
    status: "done",
    dueAt: now,
    analyzer: "rules",
    category: values.category,
    priority: values.priority,
    priorityRank: values.rank,
    needsReply: true,
    analyzedAt: now,
    updatedAt: now,
  });
  return conversationId;
}

describe("analysis settings", () => {
  it("are off by default, saved whole, and show the key only as a mask", async () => {
    const fixture = await tenant();
    const initial = expectSuccessEnvelope(await call<Settings>("GET", "/v1/analysis/settings", { key: fixture.readKey }));
    expect(initial).toMatchObject({ enabled: false, apiKeyMask: null, usage: { tokens: 0, analyses: 0, fallbacks: 0 } });

    const saved = expectSuccessEnvelope(
      await putSettings(fixture, {
        enabled: true,
        analyzer: "openai-compatible",
        baseUrl: "https://models.example.com/v1",
        model: "small-model",
        apiKey: SECRET_KEY,
        categories: ["billing", "spam"],
        rules: [{ pattern: "invoice|refund", category: "billing", priority: "high" }],
      }),
    );
    expect(saved).toMatchObject({
      enabled: true,
      analyzer: "openai-compatible",
      apiKeyMask: "…9f3e",
      redact: true,
      maxContextMessages: 20,
    });
    const read = await call("GET", "/v1/analysis/settings", { key: fixture.readKey });
    expect(JSON.stringify(read.body)).not.toContain(SECRET_KEY);
    const row = await db().query.analysisSettings.findFirst({ where: (s, { eq }) => eq(s.tenantId, fixture.tenantId) });
    expect(row?.encryptedApiKey).toBeTruthy();
    expect(row?.encryptedApiKey).not.toContain(SECRET_KEY);

    // The key kept when omitted, removed with null.
    const kept = expectSuccessEnvelope(
      await putSettings(fixture, { enabled: true, analyzer: "openai-compatible", baseUrl: "https://models.example.com/v1", model: "m" }),
    );
    expect(kept.apiKeyMask).toBe("…9f3e");
    const removed = expectSuccessEnvelope(await putSettings(fixture, { enabled: true, analyzer: "rules", apiKey: null }));
    expect(removed.apiKeyMask).toBeNull();
  });

  it("refuses inconsistent settings naming each field, and private addresses", async () => {
    const fixture = await tenant();
    const bad = await putSettings(fixture, {
      enabled: true,
      analyzer: "openai-compatible",
      categories: ["billing"],
      rules: [{ pattern: "(a+)+", category: "billing" }, { pattern: "x", category: "unknown" }, { pattern: "[" }],
      autoReplyCategories: ["billing", "sales"],
    });
    expectErrorEnvelope(bad, 400, "INVALID_INPUT");
    expect(detailPaths(bad)).toEqual(
      expect.arrayContaining(["baseUrl", "model", "rules.0.pattern", "rules.1.category", "rules.2.pattern", "autoReplyCategories.1"]),
    );
    expect(detailPaths(bad)).not.toContain("autoReplyCategories.0");
    const internal = await putSettings(fixture, {
      enabled: true,
      analyzer: "openai-compatible",
      model: "m",
      baseUrl: "https://llm.internal/v1",
    });
    expectErrorEnvelope(internal, 400, "INVALID_INPUT");
    expect(detailPaths(internal)).toEqual(["baseUrl"]);
  });

  it("belong to a tenant: an ops key is refused, a read key cannot write", async () => {
    const fixture = await tenant();
    expectErrorEnvelope(await call("GET", "/v1/analysis/settings", { key: await createOpsKey() }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("PUT", "/v1/analysis/settings", { key: fixture.readKey, body: { enabled: true } }), 403, "FORBIDDEN");
  });
});

describe("re-running an analysis", () => {
  it("marks it pending at once and queues a job; a broken queue still answers 202 and the sweep has the marker", async () => {
    const fixture = await tenant();
    expectSuccessEnvelope(await putSettings(fixture, { enabled: true, analyzer: "rules" }));
    const conversationId = await conversationWith(fixture.tenantId, [{ direction: "inbound", text: "hello" }]);
    const spy = analysisQueueSpy();
    const answer = await callApp<Analysis>({ ANALYSIS_QUEUE: spy.queue }, "POST", `/v1/conversations/${conversationId}/analyze`, {
      key: fixture.sendKey,
    });
    expect(expectSuccessEnvelope(answer, 202)).toMatchObject({ status: "pending" });
    expect(spy.jobs).toEqual([expect.objectContaining({ conversationId, tenantId: fixture.tenantId })]);
    const events = expectSuccessEnvelope(
      await call<{ items: { type: string }[] }>("GET", `/v1/conversations/${conversationId}/events`, { key: fixture.readKey }),
    );
    expect(events.items.map((event) => event.type)).toEqual(["analysis.requested"]);

    const broken = await callApp<Analysis>({ ANALYSIS_QUEUE: brokenQueue }, "POST", `/v1/conversations/${conversationId}/analyze`, {
      key: fixture.sendKey,
    });
    expectSuccessEnvelope(broken, 202);
    expect((await analysisOf(conversationId))?.status).toBe("pending");
  });

  it("is a 409 while analysis is off, and another tenant's conversation is a 404", async () => {
    const fixture = await tenant();
    const other = await tenant();
    const conversationId = await conversationWith(fixture.tenantId, [{ direction: "inbound", text: "hello" }]);
    expectErrorEnvelope(await call("POST", `/v1/conversations/${conversationId}/analyze`, { key: fixture.sendKey }), 409, "CONFLICT");
    expectSuccessEnvelope(await putSettings(other, { enabled: true, analyzer: "rules" }));
    expectErrorEnvelope(await call("POST", `/v1/conversations/${conversationId}/analyze`, { key: other.sendKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("GET", `/v1/conversations/${conversationId}/events`, { key: other.readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(
      await call("POST", `/v1/conversations/${conversationId}/draft`, { key: other.sendKey, body: {} }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("drafting a reply", () => {
  it("needs a model: with the rules analyzer it is a 409 that says so", async () => {
    const fixture = await tenant();
    expectSuccessEnvelope(await putSettings(fixture, { enabled: true, analyzer: "rules" }));
    const conversationId = await conversationWith(fixture.tenantId, [{ direction: "inbound", text: "hello" }]);
    const answer = await call("POST", `/v1/conversations/${conversationId}/draft`, { key: fixture.sendKey, body: {} });
    const error = expectErrorEnvelope(answer, 409, "CONFLICT");
    expect(error.message).toMatch(/Drafting needs a model/);

    // A model past its monthly budget: no call, a 409 that says why.
    expectSuccessEnvelope(
      await putSettings(fixture, {
        enabled: true,
        analyzer: "openai-compatible",
        baseUrl: "https://models.example.com/v1",
        model: "m",
        monthlyTokenBudget: 10,
      }),
    );
    await db()
      .insert(analysisUsage)
      .values({ tenantId: fixture.tenantId, month: new Date().toISOString().slice(0, 7), tokens: 20 });
    const spent = await call("POST", `/v1/conversations/${conversationId}/draft`, {
      key: fixture.sendKey,
      body: { instruction: "be brief" },
    });
    expect(expectErrorEnvelope(spent, 409, "CONFLICT").message).toBe("Drafting needs a model, and this month's token budget (10) is spent");
  });

  it("asks the tenant's model with the conversation as data and the instruction apart, and counts the tokens", async () => {
    const fixture = await tenant();
    expectSuccessEnvelope(
      await putSettings(fixture, { enabled: true, analyzer: "openai-compatible", baseUrl: "https://models.example.com/v1", model: "m" }),
    );
    const conversationId = await conversationWith(fixture.tenantId, [
      { direction: "inbound", text: "Where is my order? Call +1 415 555 0100" },
    ]);
    const conversation = await db().query.conversations.findFirst({ where: (c, { eq }) => eq(c.id, conversationId) });
    if (!conversation) throw new Error("no conversation");
    const model = mockModel({ text: "  It ships tomorrow.  " });
    const draft = await draftReply(
      db(),
      { keyring: keyringFromEnv(env), policy: { allowLoopback: false }, models: { "openai-compatible": model } },
      conversation,
      "offer tracking",
    );
    expect(draft).toEqual({ text: "It ships tomorrow.", analyzer: "openai-compatible", tokens: 120 });
    const prompt = JSON.stringify(model.doGenerateCalls[0].prompt);
    expect(prompt).toContain("offer tracking");
    expect(prompt).toContain("[phone]");
    expect(prompt).not.toContain("555 0100");
    const settings = expectSuccessEnvelope(await call<Settings>("GET", "/v1/analysis/settings", { key: fixture.readKey }));
    expect(settings.usage.tokens).toBe(120);
  });
});

describe("conversations with their analysis", () => {
  it("filter by priority and category, sort urgent first, and carry the analysis in the view", async () => {
    const fixture = await tenant();
    const low = await analysed(fixture.tenantId, { category: "feedback", priority: "low", rank: 3 });
    const urgent = await analysed(fixture.tenantId, { category: "billing", priority: "urgent", rank: 0 });
    const high = await analysed(fixture.tenantId, { category: "billing", priority: "high", rank: 1 });
    const none = await conversationWith(fixture.tenantId, [{ direction: "inbound", text: "not analysed" }]);

    const byPriority = expectSuccessEnvelope(
      await call<{ items: Conversation[]; nextCursor: string | null }>("GET", "/v1/conversations?sort=priority&limit=2", {
        key: fixture.readKey,
      }),
    );
    expect(byPriority.items.map((item) => item.id)).toEqual([urgent, high]);
    const next = expectSuccessEnvelope(
      await call<{ items: Conversation[] }>("GET", `/v1/conversations?sort=priority&limit=2&cursor=${byPriority.nextCursor}`, {
        key: fixture.readKey,
      }),
    );
    expect(next.items.map((item) => item.id)).toEqual([low, none]);

    const billing = expectSuccessEnvelope(
      await call<{ items: Conversation[] }>("GET", "/v1/conversations?category=billing", { key: fixture.readKey }),
    );
    expect(billing.items.map((item) => item.id).sort()).toEqual([urgent, high].sort());
    const urgentOnly = expectSuccessEnvelope(
      await call<{ items: Conversation[] }>("GET", "/v1/conversations?priority=urgent", { key: fixture.readKey }),
    );
    expect(urgentOnly.items.map((item) => item.id)).toEqual([urgent]);
    expectErrorEnvelope(await call("GET", "/v1/conversations?priority=whenever", { key: fixture.readKey }), 400, "INVALID_INPUT");

    const one = expectSuccessEnvelope(await call<Conversation>("GET", `/v1/conversations/${urgent}`, { key: fixture.readKey }));
    expect(one.analysis).toMatchObject({ status: "done", analyzer: "rules", category: "billing", priority: "urgent", needsReply: true });
    const plain = expectSuccessEnvelope(await call<Conversation>("GET", `/v1/conversations/${none}`, { key: fixture.readKey }));
    expect(plain.analysis).toBeNull();
  });

  it("a reply is sent whatever the analysis queue's state", async () => {
    const fixture = await tenant();
    expectSuccessEnvelope(await putSettings(fixture, { enabled: true, analyzer: "rules" }));
    const conversationId = await conversationWith(fixture.tenantId, [{ direction: "inbound", text: "hello" }]);
    const answer = await callApp({ ANALYSIS_QUEUE: brokenQueue }, "POST", `/v1/conversations/${conversationId}/messages`, {
      key: fixture.sendKey,
      body: { content: { text: "Hi there" } },
    });
    expect(expectSuccessEnvelope(answer, 202)).toMatchObject({ status: "queued", conversationId });
  });
});
