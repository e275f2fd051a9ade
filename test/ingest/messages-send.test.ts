import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  call,
  callApp,
  countRows,
  detailPaths,
  downQueue,
  email,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  type QueuedJob,
  sms,
  spyQueue,
  type TenantFixture,
} from "../support/api";
import { eventsOf } from "../support/d1-fixtures";

type Message = {
  id: string;
  tenantId: string;
  channel: string;
  direction: string;
  to: string;
  from: string | null;
  subject: string | null;
  content: Record<string, unknown>;
  status: string;
  providerId: string | null;
  providerMessageId: string | null;
  cost: number | null;
  idempotencyKey: string | null;
  scheduledAt: string | null;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};

type MessageRow = {
  id: string;
  tenant_id: string;
  channel: string;
  direction: string;
  recipient: string;
  sender: string | null;
  subject: string | null;
  content: string;
  status: string;
  idempotency_key: string | null;
  scheduled_at: string | null;
  attempts: number;
  metadata: string;
  request_id: string | null;
  accepted_reason: string | null;
  created_at: string;
  updated_at: string;
};

type EventRow = {
  id: string;
  message_id: string;
  status: string;
  reason: string | null;
  source: string;
  request_id: string | null;
  occurred_at: string;
};

/** Every field SPEC §8 lists for a message (and §10 adds), and nothing else. */
const MESSAGE_FIELDS = [
  "id",
  "tenantId",
  "channel",
  "direction",
  "to",
  "from",
  "subject",
  "content",
  "email",
  "status",
  "providerId",
  "providerMessageId",
  "cost",
  "currency",
  "segments",
  "idempotencyKey",
  "scheduledAt",
  "sentAt",
  "attempts",
  "lastError",
  "metadata",
  "templateId",
  "templateVersion",
  "conversationId",
  "attachments",
  "createdAt",
  "updatedAt",
].sort();

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAY_MS = 86_400_000;

const uniqueRequestId = () => `test-${crypto.randomUUID()}`;

async function messageRow(id: string): Promise<MessageRow | null> {
  return env.DB.prepare("SELECT * FROM messages WHERE id = ?").bind(id).first<MessageRow>();
}

async function eventRows(messageId: string): Promise<EventRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM message_events WHERE message_id = ? ORDER BY occurred_at")
    .bind(messageId)
    .all<EventRow>();
  return results;
}

/** A freshly accepted message: every §8 field, `queued`, with nothing delivered yet. */
function expectFreshMessage(message: Message, tenant: TenantFixture) {
  expect(Object.keys(message).sort()).toEqual(MESSAGE_FIELDS);
  expect(message.id).toMatch(/^msg_[0-9A-Za-z]{21}$/);
  expect(message.tenantId).toBe(tenant.tenantId);
  expect(message.direction).toBe("outbound");
  expect(message.status).toBe("queued");
  expect(message.providerId).toBeNull();
  expect(message.providerMessageId).toBeNull();
  expect(message.cost).toBeNull();
  expect(message.sentAt).toBeNull();
  expect(message.attempts).toBe(0);
  expect(message.lastError).toBeNull();
  expect(message.createdAt).toMatch(ISO_UTC);
  expect(message.updatedAt).toBe(message.createdAt);
  expect(Math.abs(Date.parse(message.createdAt) - Date.now())).toBeLessThan(60_000);
}

/** The D1 row matches the answer, and the message has exactly one event: `queued`, kept on its row, with no row of `message_events`. */
async function expectStored(message: Message, requestId: string) {
  const row = await messageRow(message.id);
  expect(row).not.toBeNull();
  expect(row).toMatchObject({
    tenant_id: message.tenantId,
    channel: message.channel,
    direction: "outbound",
    recipient: message.to,
    sender: message.from,
    subject: message.subject,
    status: "queued",
    idempotency_key: message.idempotencyKey,
    scheduled_at: message.scheduledAt,
    attempts: 0,
    request_id: requestId,
    accepted_reason: message.scheduledAt ? `accepted; scheduled for ${message.scheduledAt}` : "accepted",
    created_at: message.createdAt,
    updated_at: message.updatedAt,
  });
  expect(JSON.parse(row?.content ?? "null")).toEqual(message.content);
  expect(JSON.parse(row?.metadata ?? "null")).toEqual(message.metadata);
  expect(await eventRows(message.id)).toEqual([]);
  const events = await eventsOf(message.id);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ status: "queued", source: "internal", requestId, occurredAt: message.createdAt });
  expect(events[0].id).toBe(`evt_${message.id.slice("msg_".length)}`);
}

describe("POST /v1/messages — one message per channel", () => {
  it("accepts an SMS: 202, the whole message, the phone number in E.164", async () => {
    const tenant = await freshTenant();
    const requestId = uniqueRequestId();
    const answer = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
      body: sms({ to: "+1 (415) 555-0100", from: "Acme", metadata: { orderId: "o-1", attempt: 2, vip: true, note: null } }),
    });
    const message = expectSuccessEnvelope(answer, 202);
    expect(answer.body.meta.requestId).toBe(requestId);
    expectFreshMessage(message, tenant);
    expect(message).toMatchObject({
      channel: "sms",
      to: "+14155550100",
      from: "Acme",
      subject: null,
      content: { text: "Your code is 123456" },
      idempotencyKey: null,
      scheduledAt: null,
      metadata: { orderId: "o-1", attempt: 2, vip: true, note: null },
    });
    await expectStored(message, requestId);
  });

  it("normalises every spelling of a phone number, sender included, to E.164", async () => {
    const tenant = await freshTenant();
    const spellings: [string, string][] = [
      ["+1 (415) 555-0100", "+14155550100"],
      ["  +1-415-555-0100  ", "+14155550100"],
      ["+44 20 7946 0958", "+442079460958"],
      ["0044 20 7946 0958", "+442079460958"],
      ["+49 30 901820", "+4930901820"],
    ];
    for (const [input, e164] of spellings) {
      const answer = await call<Message>("POST", "/v1/messages", {
        key: tenant.sendKey,
        body: sms({ to: input, from: "+1 415.555.0199" }),
      });
      const message = expectSuccessEnvelope(answer, 202);
      expect(message.to, input).toBe(e164);
      expect(message.from).toBe("+14155550199");
      expect((await messageRow(message.id))?.recipient).toBe(e164);
    }
  });

  it("accepts an email with subject, html and text", async () => {
    const tenant = await freshTenant();
    const requestId = uniqueRequestId();
    const answer = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
      body: email({ from: "Acme <hello@acme.test>" }),
    });
    const message = expectSuccessEnvelope(answer, 202);
    expectFreshMessage(message, tenant);
    expect(message).toMatchObject({
      channel: "email",
      to: "ada@example.com",
      from: "Acme <hello@acme.test>",
      subject: "Welcome",
      content: { html: "<p>Hello</p>", text: "Hello" },
      metadata: {},
    });
    await expectStored(message, requestId);
  });

  it("accepts an email with only text, or only html", async () => {
    const tenant = await freshTenant();
    for (const content of [{ text: "Plain" }, { html: "<b>Rich</b>" }]) {
      const message = expectSuccessEnvelope(
        await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: email({ content }) }),
        202,
      );
      expect(message.content).toEqual(content);
      expect(message.from).toBeNull();
    }
  });

  it("accepts a push notification to a device token", async () => {
    const tenant = await freshTenant();
    const requestId = uniqueRequestId();
    const token = `fcm:${"d".repeat(150)}`;
    const answer = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
      body: {
        channel: "push",
        to: token,
        subject: "Order shipped",
        content: { text: "Your order is on its way", variables: { orderId: 42 } },
      },
    });
    const message = expectSuccessEnvelope(answer, 202);
    expectFreshMessage(message, tenant);
    expect(message).toMatchObject({
      channel: "push",
      to: token,
      from: null,
      subject: "Order shipped",
      content: { text: "Your order is on its way", variables: { orderId: 42 } },
    });
    await expectStored(message, requestId);
  });

  it("accepts a webhook message with a template and variables", async () => {
    const tenant = await freshTenant();
    const requestId = uniqueRequestId();
    const content = { templateId: "order.shipped", variables: { order: { id: "o-9", items: [1, 2, 3] }, "a.b": null } };
    const answer = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
      body: { channel: "webhook", to: "orders-endpoint", from: "shop", content, metadata: { source: "checkout" } },
    });
    const message = expectSuccessEnvelope(answer, 202);
    expectFreshMessage(message, tenant);
    expect(message).toMatchObject({ channel: "webhook", to: "orders-endpoint", from: "shop", content, metadata: { source: "checkout" } });
    await expectStored(message, requestId);
  });

  it("takes the tenant from the key: a tenantId in the body is refused, an admin key sends as its own tenant", async () => {
    const tenant = await freshTenant();
    const other = await freshTenant();
    const answer = await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: { ...sms(), tenantId: other.tenantId } });
    // tenantId is not a field of the request: it is refused, not silently used.
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    expect(await countRows("messages", "tenant_id IN (?, ?)", tenant.tenantId, other.tenantId)).toBe(0);
    const admin = expectSuccessEnvelope(await call<Message>("POST", "/v1/messages", { key: tenant.adminKey, body: sms() }), 202);
    expect(admin.tenantId).toBe(tenant.tenantId);
  });
});

describe("POST /v1/messages — x-request-id", () => {
  it("echoes a caller's x-request-id in the header, the envelope, the row and the event", async () => {
    const tenant = await freshTenant();
    const requestId = `trace.${crypto.randomUUID()}:span-1_A`;
    const answer = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
      body: sms(),
    });
    const message = expectSuccessEnvelope(answer, 202);
    expect(answer.headers.get("x-request-id")).toBe(requestId);
    expect(answer.body.meta.requestId).toBe(requestId);
    await expectStored(message, requestId);
  });

  it("generates a request id when none is given, and uses it throughout", async () => {
    const tenant = await freshTenant();
    const answer = await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms() });
    const message = expectSuccessEnvelope(answer, 202);
    const generated = answer.body.meta.requestId;
    expect(generated).toMatch(/^req_[0-9A-Za-z]{21}$/);
    expect(answer.headers.get("x-request-id")).toBe(generated);
    await expectStored(message, generated);
    const again = await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms() });
    expect(again.body.meta.requestId).not.toBe(generated);
  });

  it("replaces an x-request-id that is not a sane token with a generated one", async () => {
    const tenant = await freshTenant();
    for (const bad of ["has spaces in it", "x".repeat(129), "semi;colon", "<script>"]) {
      const answer = await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, headers: { "x-request-id": bad }, body: sms() });
      expectSuccessEnvelope(answer, 202);
      expect(answer.body.meta.requestId).toMatch(/^req_/);
      expect(answer.headers.get("x-request-id")).toBe(answer.body.meta.requestId);
    }
  });

  it("echoes the x-request-id on error answers too", async () => {
    const tenant = await freshTenant();
    const requestId = uniqueRequestId();
    const answer = await call("POST", "/v1/messages", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
      body: sms({ to: "nope" }),
    });
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    expect(answer.body.meta.requestId).toBe(requestId);
    const unauthorized = await call("POST", "/v1/messages", { headers: { "x-request-id": requestId }, body: sms() });
    expectErrorEnvelope(unauthorized, 401, "UNAUTHORIZED");
    expect(unauthorized.body.meta.requestId).toBe(requestId);
  });
});

describe("POST /v1/messages — the delivery queue", () => {
  it("enqueues one job naming the message, its tenant and the request id, with no delay", async () => {
    const tenant = await freshTenant();
    const spy = spyQueue();
    const requestId = uniqueRequestId();
    const answer = await callApp<Message>({ DELIVERY_QUEUE: spy.queue }, "POST", "/v1/messages", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
      body: sms(),
    });
    const message = expectSuccessEnvelope(answer, 202);
    expect(spy.jobs).toEqual<QueuedJob[]>([{ body: { messageId: message.id, tenantId: tenant.tenantId, requestId }, delaySeconds: 0 }]);
    await expectStored(message, requestId);
  });

  it("enqueues a batch as one sendBatch, jobs in request order", async () => {
    const tenant = await freshTenant();
    const spy = spyQueue();
    const answer = await callApp<{ items: Message[] }>({ DELIVERY_QUEUE: spy.queue }, "POST", "/v1/messages/batch", {
      key: tenant.sendKey,
      body: { messages: [sms(), email(), sms({ to: "+14155550101" })] },
    });
    const { items } = expectSuccessEnvelope(answer, 202);
    expect(spy.calls).toEqual({ send: 0, sendBatch: 1 });
    expect(spy.jobs.map((job) => job.body.messageId)).toEqual(items.map((item) => item.id));
    for (const job of spy.jobs) expect(job.body.requestId).toBe(answer.body.meta.requestId);
  });

  it("when the queue is down: 503 SERVICE_UNAVAILABLE, retryable, and nothing is left behind", async () => {
    const tenant = await freshTenant();
    const requestId = uniqueRequestId();
    const key = `down-${crypto.randomUUID()}`;
    const answer = await callApp({ DELIVERY_QUEUE: downQueue() }, "POST", "/v1/messages", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId, "idempotency-key": key },
      body: sms(),
    });
    const error = expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(error.retryable).toBe(true);
    expect(answer.body.meta.requestId).toBe(requestId);
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
    expect(await countRows("messages", "request_id = ?", requestId)).toBe(0);
    expect(await countRows("message_events", "request_id = ?", requestId)).toBe(0);
    expect(await countRows("idempotency_keys", "tenant_id = ?", tenant.tenantId)).toBe(0);
    const list = await call<{ items: Message[] }>("GET", "/v1/messages", { key: tenant.readKey });
    expect(expectSuccessEnvelope(list).items).toEqual([]);
  });

  it("when the queue is down for a batch: 503 and none of the batch is stored", async () => {
    const tenant = await freshTenant();
    const requestId = uniqueRequestId();
    const answer = await callApp({ DELIVERY_QUEUE: downQueue() }, "POST", "/v1/messages/batch", {
      key: tenant.sendKey,
      headers: { "x-request-id": requestId },
      body: { messages: [sms(), email(), sms()] },
    });
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
    expect(await countRows("message_events", "request_id = ?", requestId)).toBe(0);
  });

  it("accepts the same message once the queue is back", async () => {
    const tenant = await freshTenant();
    expectErrorEnvelope(
      await callApp({ DELIVERY_QUEUE: downQueue() }, "POST", "/v1/messages", { key: tenant.sendKey, body: sms() }),
      503,
      "SERVICE_UNAVAILABLE",
    );
    const message = expectSuccessEnvelope(await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms() }), 202);
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(1);
    expect((await eventsOf(message.id)).length).toBe(1);
  });
});

describe("POST /v1/messages — scheduledAt", () => {
  it("stores a scheduled send in UTC, records it on the event, and delays the queue job", async () => {
    const tenant = await freshTenant();
    const spy = spyQueue();
    const before = Date.now();
    const at = new Date(Math.ceil((before + 3 * 3_600_000) / 1000) * 1000);
    const answer = await callApp<Message>({ DELIVERY_QUEUE: spy.queue }, "POST", "/v1/messages", {
      key: tenant.sendKey,
      body: sms({ scheduledAt: at.toISOString() }),
    });
    const message = expectSuccessEnvelope(answer, 202);
    expect(message.status).toBe("queued");
    expect(message.scheduledAt).toBe(at.toISOString());
    expect((await messageRow(message.id))?.scheduled_at).toBe(at.toISOString());
    const [event] = await eventsOf(message.id);
    expect(event.reason).toContain(at.toISOString());
    expect(spy.jobs).toHaveLength(1);
    // Roughly three hours: the job waits in the queue rather than being delivered now.
    expect(spy.jobs[0].delaySeconds).toBeGreaterThan(3 * 3600 - 120);
    expect(spy.jobs[0].delaySeconds).toBeLessThanOrEqual(Math.ceil((at.getTime() - before) / 1000));
  });

  it("normalises a scheduledAt given with an offset to UTC", async () => {
    const tenant = await freshTenant();
    const at = new Date(Math.ceil((Date.now() + DAY_MS) / 1000) * 1000);
    // The same instant written at +02:00.
    const local = new Date(at.getTime() + 2 * 3_600_000).toISOString().replace(/\.000Z$/, "+02:00");
    const message = expectSuccessEnvelope(
      await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: email({ scheduledAt: local }) }),
      202,
    );
    expect(message.scheduledAt).toBe(at.toISOString());
  });

  it("leaves a send beyond the queue's 12 h delay to the cron sweep: stored, not enqueued", async () => {
    const tenant = await freshTenant();
    const spy = spyQueue();
    const at = new Date(Date.now() + 10 * DAY_MS).toISOString();
    const answer = await callApp<Message>({ DELIVERY_QUEUE: spy.queue }, "POST", "/v1/messages", {
      key: tenant.sendKey,
      body: sms({ scheduledAt: at }),
    });
    const message = expectSuccessEnvelope(answer, 202);
    expect(message.scheduledAt).toBe(at);
    expect(spy.jobs).toEqual([]);
    expect((await messageRow(message.id))?.status).toBe("queued");
  });

  it("accepts a send 29 days ahead", async () => {
    const tenant = await freshTenant();
    const at = new Date(Date.now() + 29 * DAY_MS).toISOString();
    expect(
      expectSuccessEnvelope(await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms({ scheduledAt: at }) }), 202)
        .scheduledAt,
    ).toBe(at);
  });

  it("refuses a send more than 30 days ahead with 400 naming scheduledAt, storing nothing", async () => {
    const tenant = await freshTenant();
    for (const days of [31, 365]) {
      const answer = await call("POST", "/v1/messages", {
        key: tenant.sendKey,
        body: sms({ scheduledAt: new Date(Date.now() + days * DAY_MS).toISOString() }),
      });
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(detailPaths(answer)).toEqual(["scheduledAt"]);
    }
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("refuses a scheduledAt that is not an ISO-8601 time", async () => {
    const tenant = await freshTenant();
    for (const scheduledAt of ["tomorrow", "2030-01-01", 1893456000, "2030-13-01T00:00:00Z"]) {
      const answer = await call("POST", "/v1/messages", { key: tenant.sendKey, body: sms({ scheduledAt }) });
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(detailPaths(answer)).toContain("scheduledAt");
    }
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });
});
