import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Message = {
  id: string;
  status: string;
  providerId: string | null;
  scheduledAt: string | null;
  events: { status: string; reason: string | null }[];
};
type Provider = { id: string };

let stack: StackProcess;
let relay: RelayClient;

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayClient(() => stack.credentials);
});
afterAll(async () => {
  await stack?.stop();
});

const statusOf = async (id: string, wanted: string) => {
  const answer = await relay.asTenant<Message>("GET", `/v1/messages/${id}`);
  return answer.body.data.status === wanted ? answer.body.data : undefined;
};

describe("the pipeline over HTTP (system providers)", () => {
  it("accepts an SMS and delivers it through the seeded system provider", async () => {
    const sent = await relay.asTenant<Message>("POST", "/v1/messages", {
      channel: "sms",
      to: "+1 415 555 0100",
      content: { text: "hello" },
    });
    expect(sent.status).toBe(202);
    const message = await eventually(() => statusOf(sent.body.data.id, "sent"));
    expect(message.events.map((e) => e.status)).toEqual(["queued", "sending", "sent"]);
  });

  it("an only provider failing transiently → retries → dead letter → redrive with a working provider → sent", async () => {
    const tenantId = stack.credentials.tenantId;
    const make = (name: string, priority: number, enabled: boolean, config: object) =>
      relay.asAdmin<Provider>("POST", "/v1/providers", { type: "system", name, channel: "push", tenantId, priority, enabled, config });
    await make("flaky", 0, true, { fail: "transient" });
    const spare = await make("spare", 1, false, {});

    const sent = await relay.asTenant<Message>("POST", "/v1/messages", { channel: "push", to: "device-1", content: { text: "ping" } });
    const letter = await eventually(async () => {
      const list = await relay.asAdmin<{ items: { id: string; messageId: string }[] }>("GET", "/v1/dead-letters");
      return list.body.data.items.find((item) => item.messageId === sent.body.data.id);
    }, 30_000);
    expect((await statusOf(sent.body.data.id, "failed"))?.status).toBe("failed");

    await relay.asAdmin("PATCH", `/v1/providers/${spare.body.data.id}`, { enabled: true });
    const redriven = await relay.asAdmin("POST", `/v1/dead-letters/${letter.id}/redrive`);
    expect(redriven.status).toBe(200);
    const message = await eventually(() => statusOf(sent.body.data.id, "sent"));
    expect(message.providerId).toBe(spare.body.data.id);
    expect(message.events.some((e) => e.reason?.startsWith("dead-lettered"))).toBe(true);
    expect(message.events.some((e) => e.reason?.startsWith("redriven"))).toBe(true);
  });

  it("holds a scheduled message until its time", async () => {
    const scheduledAt = new Date(Date.now() + 4_000).toISOString();
    const sent = await relay.asTenant<Message>("POST", "/v1/messages", {
      channel: "sms",
      to: "+14155550102",
      content: { text: "later" },
      scheduledAt,
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await relay.asTenant<Message>("GET", `/v1/messages/${sent.body.data.id}`)).body.data.status).toBe("queued");
    const message = await eventually(() => statusOf(sent.body.data.id, "sent"), 20_000);
    expect(message.scheduledAt).toBe(scheduledAt);
  });

  it("cancels a queued message, which is then never sent", async () => {
    const scheduledAt = new Date(Date.now() + 3_000).toISOString();
    const sent = await relay.asTenant<Message>("POST", "/v1/messages", {
      channel: "sms",
      to: "+14155550103",
      content: { text: "cancel me" },
      scheduledAt,
    });
    const canceled = await relay.asTenant<Message>("POST", `/v1/messages/${sent.body.data.id}/cancel`);
    expect(canceled.body.data.status).toBe("canceled");
    await new Promise((r) => setTimeout(r, 6_000));
    const after = await relay.asTenant<Message>("GET", `/v1/messages/${sent.body.data.id}`);
    expect(after.body.data.status).toBe("canceled");
    expect(after.body.data.events.map((e) => e.status)).toEqual(["queued", "canceled"]);
  });

  it("idempotent client retries under concurrency make one message per key", async () => {
    const body = { channel: "sms", to: "+14155550104", content: { text: "once" } };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => relay.asTenant<Message>("POST", "/v1/messages", body, { "idempotency-key": "e2e-once" })),
    );
    const ids = new Set(answers.filter((a) => a.status === 202).map((a) => a.body.data.id));
    expect(ids.size).toBe(1);
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
    const [id] = ids;
    await eventually(() => statusOf(id, "sent"));
    const listed = await relay.asTenant<{ items: Message[] }>("GET", "/v1/messages?to=%2B14155550104");
    expect(listed.body.data.items).toHaveLength(1);
  });
});
