import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AnalysisJob } from "../../shared/queue/analysis-job";
import { analysisOf, settingsFor } from "../support/analysis-fixtures";
import { addProvider, configs, deliver, messagesOfProvider, newTenant, WEBHOOKS_ORIGIN } from "../support/webhook-fixtures";
import { newMessageSid, twilioRequest } from "./helpers/twilio";

function sms(body: string, sid = newMessageSid()): Record<string, string> {
  return { AccountSid: `AC${"0".repeat(32)}`, Body: body, From: "+14155550199", To: "+15005550006", MessageSid: sid, NumMedia: "0" };
}

async function twilioTenant(analysis: boolean) {
  const tenantId = await newTenant();
  if (analysis) await settingsFor(tenantId, { analyzer: "rules", rules: [{ pattern: "charged", category: "billing", priority: "high" }] });
  const config = configs.twilio();
  const providerId = await addProvider({ tenantId, type: "twilio", config });
  return { tenantId, providerId, authToken: config.authToken, url: `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}/inbound` };
}

function spyQueue() {
  const sent: { body: AnalysisJob; delaySeconds?: number }[] = [];
  const queue = {
    send: async (body: AnalysisJob, options?: { delaySeconds?: number }) => {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
  } as unknown as Queue<AnalysisJob>;
  return { queue, sent };
}

const brokenQueue = {
  send: async () => {
    throw new Error("Queue analysis is unavailable");
  },
} as unknown as Queue<AnalysisJob>;

describe("an inbound message requests its conversation's analysis", () => {
  it("marks the analysis pending in the same write and queues one job delayed to its due time", async () => {
    const { providerId, authToken, url } = await twilioTenant(true);
    const spy = spyQueue();
    const answer = await deliver(await twilioRequest(url, sms("I was charged twice"), authToken), {
      ANALYSIS_QUEUE: spy.queue,
      ANALYSIS_DEBOUNCE_SECONDS: "5",
    });
    expect(answer.status).toBe(200);
    const [message] = await messagesOfProvider(providerId);
    const conversationId = message.conversationId ?? "";
    expect(await analysisOf(conversationId)).toMatchObject({ status: "pending" });
    expect(spy.sent).toHaveLength(1);
    expect(spy.sent[0].body).toMatchObject({ conversationId });
    expect(spy.sent[0].delaySeconds).toBeGreaterThanOrEqual(4);
    expect(spy.sent[0].delaySeconds).toBeLessThanOrEqual(5);
  });

  it("a burst moves the due time on: only the last job's due time is the conversation's", async () => {
    const { providerId, authToken, url } = await twilioTenant(true);
    const spy = spyQueue();
    for (let index = 0; index < 3; index++)
      await deliver(await twilioRequest(url, sms(`part ${index}`), authToken), {
        ANALYSIS_QUEUE: spy.queue,
        ANALYSIS_DEBOUNCE_SECONDS: "5",
      });
    const [message] = await messagesOfProvider(providerId);
    const row = await analysisOf(message.conversationId ?? "");
    expect(spy.sent.map((job) => job.body.dueAt).filter((dueAt) => dueAt === row?.dueAt)).toHaveLength(1);
    expect(spy.sent.at(-1)?.body.dueAt).toBe(row?.dueAt);
  });

  it("a tenant with analysis off gets no marker and no job", async () => {
    const { providerId, authToken, url } = await twilioTenant(false);
    const spy = spyQueue();
    await deliver(await twilioRequest(url, sms("hello"), authToken), { ANALYSIS_QUEUE: spy.queue });
    const [message] = await messagesOfProvider(providerId);
    expect(await analysisOf(message.conversationId ?? "")).toBeUndefined();
    expect(spy.sent).toHaveLength(0);
  });

  it("a broken analysis queue leaves the inbound message recorded and answered; the pending marker waits for the sweep", async () => {
    const { providerId, authToken, url } = await twilioTenant(true);
    const answer = await deliver(await twilioRequest(url, sms("I was charged twice"), authToken), { ANALYSIS_QUEUE: brokenQueue });
    expect(answer.status).toBe(200);
    const [message] = await messagesOfProvider(providerId);
    expect(message).toMatchObject({ direction: "inbound", status: "delivered" });
    expect(await analysisOf(message.conversationId ?? "")).toMatchObject({ status: "pending" });
    expect(env.ANALYSIS_QUEUE).toBeDefined();
  });
});
