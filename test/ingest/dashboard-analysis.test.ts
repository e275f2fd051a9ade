import { describe, expect, it } from "vitest";
import { conversationAnalyses } from "../../shared/db/schema";
import { conversationWith } from "../support/analysis-fixtures";
import { createOpsKey, createTenant } from "../support/api";
import { db } from "../support/d1-fixtures";
import { signedInBrowser } from "../support/dashboard-browser";

const SECRET_KEY = "sk-dash-0000-1111-2222-abcd";

describe("the dashboard's analysis", () => {
  it("saves the analyzer settings (the key write-only), shows the month's usage, and refuses bad rules naming them", async () => {
    const tenant = await createTenant(await createOpsKey(), "Analysed");
    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get("/dashboard/analysis");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Model tokens");

    const saved = await browser.post("/dashboard/analysis", {
      _csrf: await browser.token("/dashboard/analysis"),
      enabled: "true",
      analyzer: "openai-compatible",
      model: "small",
      baseUrl: "https://models.example.com/v1",
      apiKey: SECRET_KEY,
      categories: "billing, spam",
      rules: '[{"pattern":"invoice","category":"billing","priority":"high"}]',
      redact: "true",
      monthlyTokenBudget: "5000",
      maxContextMessages: "10",
      maxContextCharacters: "3000",
    });
    expect(saved.status, saved.html.slice(0, 500)).toBe(303);
    expect(saved.location).toBe("/dashboard/analysis?done=analysis-saved");
    const after = await browser.get(saved.location ?? "");
    expect(after.html).toContain("The analysis settings were saved.");
    expect(after.html).toContain("…abcd");
    expect(after.html).not.toContain(SECRET_KEY);
    expect(after.html).toContain("0 of 5000");

    const refused = await browser.post("/dashboard/analysis", {
      _csrf: await browser.token("/dashboard/analysis"),
      enabled: "true",
      analyzer: "rules",
      categories: "billing",
      rules: '[{"pattern":"x","category":"not_a_label"}]',
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("rules.0.category: must be one of categories");
  });

  it("shows priority, category and summary in the inbox, re-runs an analysis, and says drafting needs a model under rules", async () => {
    const tenant = await createTenant(await createOpsKey(), "Inbox analysed");
    const browser = await signedInBrowser(tenant.adminKey);
    await browser.post("/dashboard/analysis", {
      _csrf: await browser.token("/dashboard/analysis"),
      enabled: "true",
      analyzer: "rules",
      categories: "billing, spam",
      rules: "[]",
    });
    const conversationId = await conversationWith(tenant.tenantId, [{ direction: "inbound", text: "Refund please" }]);
    const now = new Date().toISOString();
    await db().insert(conversationAnalyses).values({
      conversationId,
      tenantId: tenant.tenantId,
      status: "done",
      dueAt: now,
      analyzer: "openai-compatible",
      category: "billing",
      priority: "urgent",
      priorityRank: 0,
      summary: "Wants a refund for a double charge.",
      needsReply: true,
      analyzedAt: now,
      updatedAt: now,
    });

    const inbox = await browser.get("/dashboard/inbox?sort=priority&priority=urgent");
    expect(inbox.html).toContain("Wants a refund for a double charge.");
    expect(inbox.html).toContain("<td>urgent</td>");
    expect(inbox.html).toContain("<td>billing</td>");

    const conversation = await browser.get(`/dashboard/inbox/${conversationId}`);
    expect(conversation.html).toContain("OpenAI-compatible model");
    const rerun = await browser.post(`/dashboard/inbox/${conversationId}/analyze`, {
      _csrf: await browser.token(`/dashboard/inbox/${conversationId}`),
    });
    expect(rerun.status).toBe(303);
    const pending = await browser.get(rerun.location ?? "");
    expect(pending.html).toContain("The analysis is requested");
    expect(pending.html).toMatch(/<dd>pending<\/dd>/);

    const draft = await browser.post(`/dashboard/inbox/${conversationId}/draft`, {
      _csrf: await browser.token(`/dashboard/inbox/${conversationId}`),
    });
    expect(draft.status).toBe(200);
    expect(draft.html).toContain("Drafting needs a model");
  });
});
