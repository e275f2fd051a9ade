import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { deadLetters, messageEvents, messages } from "../../shared/db/schema";
import type { MessageStatus } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import { call, callApp, createOpsKey, createTenant, downQueue, expectErrorEnvelope, expectSuccessEnvelope, spyQueue } from "../support/api";
import { expectInvalid } from "../support/checks";

type DeadLetter = {
  id: string;
  messageId: string;
  tenantId: string;
  providerId: string | null;
  lastError: string | null;
  attempts: number;
  body: unknown;
  deadLetteredAt: string;
  redrivenAt: string | null;
  discardedAt: string | null;
};
type Page = { items: DeadLetter[]; nextCursor: string | null };
type Outcome = { id: string; outcome: string; message?: string };
type MessageWithEvents = {
  status: string;
  attempts: number;
  lastError: string | null;
  events: { status: string; reason: string | null; source: string }[];
};

const DL_KEYS = [
  "attempts",
  "body",
  "deadLetteredAt",
  "discardedAt",
  "id",
  "lastError",
  "messageId",
  "providerId",
  "redrivenAt",
  "tenantId",
];

type Seed = { lastError?: string; providerId?: string | null; deadLetteredAt?: string; messageStatus?: MessageStatus; attempts?: number };

/** What the dispatch worker's DLQ consumer leaves behind: a failed message and its dead letter. */
async function seedDeadLetter(tenantId: string, seed: Seed = {}) {
  const db = database(env.DB);
  const messageId = newId("message");
  const id = newId("deadLetter");
  const at = seed.deadLetteredAt ?? new Date().toISOString();
  const attempts = seed.attempts ?? 5;
  await db.insert(messages).values({
    id: messageId,
    tenantId,
    channel: "sms",
    direction: "outbound",
    recipient: "+14155550100",
    content: { text: "Your code is 123456" },
    status: seed.messageStatus ?? "failed",
    providerId: seed.providerId ?? null,
    attempts,
    lastError: "dead-lettered",
    metadata: {},
    createdAt: at,
    updatedAt: at,
  });
  await db.insert(deadLetters).values({
    id,
    messageId,
    tenantId,
    providerId: seed.providerId === undefined ? "prv_seeded" : seed.providerId,
    lastError: seed.lastError ?? "twilio: 30003 unreachable handset",
    attempts,
    body: { messageId, tenantId, requestId: "req_seeded" },
    deadLetteredAt: at,
  });
  return { id, messageId };
}

async function messageRow(id: string) {
  return database(env.DB).query.messages.findFirst({ where: eq(messages.id, id) });
}
async function deadLetterRow(id: string) {
  return database(env.DB).query.deadLetters.findFirst({ where: eq(deadLetters.id, id) });
}

const list = (key: string, query = "") => call<Page>("GET", `/v1/dead-letters${query}`, { key });
const ids = (page: Page) => page.items.map((d) => d.id);

describe("GET /v1/dead-letters", () => {
  it("lists a tenant's pending dead letters, newest first", async () => {
    const tenant = await createTenant(await createOpsKey());
    const old = await seedDeadLetter(tenant.tenantId, { deadLetteredAt: "2026-01-01T10:00:00.000Z" });
    const newest = await seedDeadLetter(tenant.tenantId, { deadLetteredAt: "2026-01-03T10:00:00.000Z" });
    const middle = await seedDeadLetter(tenant.tenantId, { deadLetteredAt: "2026-01-02T10:00:00.000Z" });
    const answer = await list(tenant.adminKey);
    const page = expectSuccessEnvelope(answer);
    expect(ids(page)).toEqual([newest.id, middle.id, old.id]);
    expect(page.nextCursor).toBeNull();
    expect(Object.keys(page.items[0]).sort()).toEqual(DL_KEYS);
    expect(page.items[0]).toMatchObject({
      messageId: newest.messageId,
      tenantId: tenant.tenantId,
      providerId: "prv_seeded",
      lastError: "twilio: 30003 unreachable handset",
      attempts: 5,
      body: { messageId: newest.messageId, tenantId: tenant.tenantId, requestId: "req_seeded" },
      deadLetteredAt: "2026-01-03T10:00:00.000Z",
      redrivenAt: null,
      discardedAt: null,
    });
  });

  it("pages with a cursor, with ties broken by id", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = [];
    for (const at of ["2026-02-01T00:00:00.000Z", "2026-02-02T00:00:00.000Z", "2026-02-02T00:00:00.000Z", "2026-02-03T00:00:00.000Z"])
      seeded.push({ ...(await seedDeadLetter(tenant.tenantId, { deadLetteredAt: at })), at });
    const expected = [...seeded].sort((x, y) => (x.at === y.at ? (x.id < y.id ? 1 : -1) : x.at < y.at ? 1 : -1)).map((s) => s.id);

    const first = expectSuccessEnvelope(await list(tenant.adminKey, "?limit=2"));
    expect(ids(first)).toEqual(expected.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = expectSuccessEnvelope(await list(tenant.adminKey, `?limit=2&cursor=${encodeURIComponent(first.nextCursor ?? "")}`));
    expect(ids(second)).toEqual(expected.slice(2, 4));
    expect(second.nextCursor).toBeNull();

    // One at a time, across the tie, nothing is skipped or repeated.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = expectSuccessEnvelope(
        await list(tenant.adminKey, `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
      );
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(expected);
  });

  it("rejects a bad cursor, limit or state", async () => {
    const tenant = await createTenant(await createOpsKey());
    const badCursor = await list(tenant.adminKey, "?cursor=not-a-cursor");
    expectInvalid(badCursor);
    expect(badCursor.body.error.details?.[0].path).toMatch(/cursor$/);
    expectInvalid(await list(tenant.adminKey, "?limit=0"), "query.limit");
    expectInvalid(await list(tenant.adminKey, "?limit=101"), "query.limit");
    expectInvalid(await list(tenant.adminKey, "?state=lost"), "query.state");
    expectInvalid(await list(tenant.adminKey, "?sort=asc"));
  });

  it("filters by provider", async () => {
    const tenant = await createTenant(await createOpsKey());
    const one = await seedDeadLetter(tenant.tenantId, { providerId: "prv_one" });
    await seedDeadLetter(tenant.tenantId, { providerId: "prv_two" });
    await seedDeadLetter(tenant.tenantId, { providerId: null });
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?providerId=prv_one")))).toEqual([one.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?providerId=prv_none")))).toEqual([]);
  });

  it("filters by error text, literally", async () => {
    const tenant = await createTenant(await createOpsKey());
    const timeout = await seedDeadLetter(tenant.tenantId, { lastError: "resend: Gateway Timeout after 10s" });
    const rate = await seedDeadLetter(tenant.tenantId, { lastError: "twilio: rate_limit exceeded (429)" });
    const percent = await seedDeadLetter(tenant.tenantId, { lastError: "quota 100% used" });
    await seedDeadLetter(tenant.tenantId, { lastError: "twilio: ratelimit-ish" });
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?q=timeout")))).toEqual([timeout.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?q=rate_limit")))).toEqual([rate.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, `?q=${encodeURIComponent("100%")}`)))).toEqual([percent.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, `?q=${encodeURIComponent("%")}`)))).toEqual([percent.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?q=nothing-like-this")))).toEqual([]);
  });

  it("filters by state", async () => {
    const tenant = await createTenant(await createOpsKey());
    const pending = await seedDeadLetter(tenant.tenantId, { deadLetteredAt: "2026-03-01T00:00:00.000Z" });
    const redriven = await seedDeadLetter(tenant.tenantId, { deadLetteredAt: "2026-03-02T00:00:00.000Z" });
    const discarded = await seedDeadLetter(tenant.tenantId, { deadLetteredAt: "2026-03-03T00:00:00.000Z" });
    expectSuccessEnvelope(await call("POST", `/v1/dead-letters/${redriven.id}/redrive`, { key: tenant.adminKey }));
    expectSuccessEnvelope(await call("POST", `/v1/dead-letters/${discarded.id}/discard`, { key: tenant.adminKey }));

    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey)))).toEqual([pending.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?state=pending")))).toEqual([pending.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?state=redriven")))).toEqual([redriven.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?state=discarded")))).toEqual([discarded.id]);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey, "?state=all")))).toEqual([discarded.id, redriven.id, pending.id]);
  });

  it("shows a tenant only its own, and ops any tenant's", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const ofA = await seedDeadLetter(a.tenantId);
    const ofB = await seedDeadLetter(b.tenantId);
    expect(ids(expectSuccessEnvelope(await list(a.adminKey)))).toEqual([ofA.id]);
    expect(ids(expectSuccessEnvelope(await list(b.adminKey)))).toEqual([ofB.id]);
    expect(ids(expectSuccessEnvelope(await list(ops, `?tenantId=${a.tenantId}`)))).toEqual([ofA.id]);
    expect(ids(expectSuccessEnvelope(await list(ops, `?tenantId=${b.tenantId}`)))).toEqual([ofB.id]);
    const all = ids(expectSuccessEnvelope(await list(ops, "?limit=100&state=all")));
    expect(all.length).toBeGreaterThan(0);
    expectErrorEnvelope(await list(a.adminKey, `?tenantId=${b.tenantId}`), 403, "FORBIDDEN");
  });
});

describe("GET /v1/dead-letters/:id", () => {
  it("shows one dead letter to its tenant and to ops, not to another tenant", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const seeded = await seedDeadLetter(a.tenantId, { providerId: "prv_x", lastError: "boom" });
    const data = expectSuccessEnvelope(await call<DeadLetter>("GET", `/v1/dead-letters/${seeded.id}`, { key: a.adminKey }));
    expect(data).toMatchObject({ id: seeded.id, messageId: seeded.messageId, providerId: "prv_x", lastError: "boom", redrivenAt: null });
    expect(expectSuccessEnvelope(await call<DeadLetter>("GET", `/v1/dead-letters/${seeded.id}`, { key: ops }))).toEqual(data);
    expectErrorEnvelope(await call("GET", `/v1/dead-letters/${seeded.id}`, { key: b.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("GET", "/v1/dead-letters/dlq_doesnotexist00000000", { key: a.adminKey }), 404, "NOT_FOUND");
  });
});

describe("POST /v1/dead-letters/:id/redrive", () => {
  it("puts the message back to queued with attempts reset and an event", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = await seedDeadLetter(tenant.tenantId);
    const answer = await call<DeadLetter>("POST", `/v1/dead-letters/${seeded.id}/redrive`, {
      key: tenant.adminKey,
      headers: { "x-request-id": "redrive-test-1" },
    });
    const data = expectSuccessEnvelope(answer);
    expect(answer.headers.get("x-request-id")).toBe("redrive-test-1");
    expect(data.id).toBe(seeded.id);
    expect(data.redrivenAt).toEqual(expect.any(String));
    expect(data.discardedAt).toBeNull();

    const message = expectSuccessEnvelope(
      await call<MessageWithEvents>("GET", `/v1/messages/${seeded.messageId}`, { key: tenant.adminKey }),
    );
    expect(message.status).toBe("queued");
    expect(message.attempts).toBe(0);
    expect(message.lastError).toBeNull();
    const queued = message.events.filter((e) => e.status === "queued");
    expect(queued).toHaveLength(1);
    expect(queued[0].source).toBe("internal");
    expect(queued[0].reason).toMatch(/redriv/i);
    expect(queued[0].reason).toContain(seeded.id);

    const events = await database(env.DB).query.messageEvents.findMany({ where: eq(messageEvents.messageId, seeded.messageId) });
    expect(events.map((e) => e.requestId)).toEqual(["redrive-test-1"]);
    expect((await deadLetterRow(seeded.id))?.redrivenAt).toBe(data.redrivenAt);

    // Not pending any more.
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey)))).toEqual([]);
  });

  it("puts a job for the message on the delivery queue, carrying the request id", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = await seedDeadLetter(tenant.tenantId);
    const { queue, jobs } = spyQueue();
    const answer = await callApp({ DELIVERY_QUEUE: queue }, "POST", `/v1/dead-letters/${seeded.id}/redrive`, {
      key: tenant.adminKey,
      headers: { "x-request-id": "redrive-job-1" },
    });
    expectSuccessEnvelope(answer);
    expect(jobs.map((job) => job.body)).toEqual([{ messageId: seeded.messageId, tenantId: tenant.tenantId, requestId: "redrive-job-1" }]);
  });

  it("refuses a second redrive with 409", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = await seedDeadLetter(tenant.tenantId);
    const first = expectSuccessEnvelope(await call<DeadLetter>("POST", `/v1/dead-letters/${seeded.id}/redrive`, { key: tenant.adminKey }));
    const { queue, jobs } = spyQueue();
    const again = await callApp({ DELIVERY_QUEUE: queue }, "POST", `/v1/dead-letters/${seeded.id}/redrive`, {
      key: tenant.adminKey,
    });
    expectErrorEnvelope(again, 409, "CONFLICT");
    expect(jobs).toEqual([]);
    expect((await deadLetterRow(seeded.id))?.redrivenAt).toBe(first.redrivenAt);
    const events = await database(env.DB).query.messageEvents.findMany({ where: eq(messageEvents.messageId, seeded.messageId) });
    expect(events).toHaveLength(1);
  });

  it("leaves everything as it was when the queue is down (503)", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = await seedDeadLetter(tenant.tenantId, { attempts: 7 });
    const before = await messageRow(seeded.messageId);
    const answer = await callApp({ DELIVERY_QUEUE: downQueue() }, "POST", `/v1/dead-letters/${seeded.id}/redrive`, {
      key: tenant.adminKey,
    });
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(answer.body.error.retryable).toBe(true);

    const dl = await deadLetterRow(seeded.id);
    expect(dl?.redrivenAt).toBeNull();
    expect(dl?.discardedAt).toBeNull();
    const after = await messageRow(seeded.messageId);
    expect(after?.status).toBe("failed");
    expect(after?.attempts).toBe(before?.attempts);
    expect(after?.lastError).toBe(before?.lastError);
    expect(ids(expectSuccessEnvelope(await list(tenant.adminKey)))).toEqual([seeded.id]);

    // Once the queue is back, the same dead letter redrives.
    expectSuccessEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/redrive`, { key: tenant.adminKey }));
    expect((await messageRow(seeded.messageId))?.status).toBe("queued");
  });

  it("refuses when the message is no longer failed, and leaves the dead letter pending", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = await seedDeadLetter(tenant.tenantId, { messageStatus: "delivered" });
    expectErrorEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/redrive`, { key: tenant.adminKey }), 409, "CONFLICT");
    expect((await deadLetterRow(seeded.id))?.redrivenAt).toBeNull();
    expect((await messageRow(seeded.messageId))?.status).toBe("delivered");
    const events = await database(env.DB).query.messageEvents.findMany({ where: eq(messageEvents.messageId, seeded.messageId) });
    expect(events).toEqual([]);
  });

  it("is invisible to another tenant", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const seeded = await seedDeadLetter(a.tenantId);
    expectErrorEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/redrive`, { key: b.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/discard`, { key: b.adminKey }), 404, "NOT_FOUND");
    expect(await deadLetterRow(seeded.id)).toMatchObject({ redrivenAt: null, discardedAt: null });
    expect((await messageRow(seeded.messageId))?.status).toBe("failed");
  });

  it("lets ops redrive any tenant's", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const seeded = await seedDeadLetter(tenant.tenantId);
    expectSuccessEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/redrive`, { key: ops }));
    expect((await messageRow(seeded.messageId))?.status).toBe("queued");
  });

  it("answers 404 for an unknown id", async () => {
    const tenant = await createTenant(await createOpsKey());
    expectErrorEnvelope(
      await call("POST", "/v1/dead-letters/dlq_doesnotexist00000000/redrive", { key: tenant.adminKey }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("POST /v1/dead-letters/redrive (bulk)", () => {
  it("answers one outcome per id", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const fresh = await seedDeadLetter(a.tenantId);
    const another = await seedDeadLetter(a.tenantId);
    const done = await seedDeadLetter(a.tenantId);
    const discarded = await seedDeadLetter(a.tenantId);
    const ofB = await seedDeadLetter(b.tenantId);
    expectSuccessEnvelope(await call("POST", `/v1/dead-letters/${done.id}/redrive`, { key: a.adminKey }));
    expectSuccessEnvelope(await call("POST", `/v1/dead-letters/${discarded.id}/discard`, { key: a.adminKey }));

    const answer = await call<{ items: Outcome[] }>("POST", "/v1/dead-letters/redrive", {
      key: a.adminKey,
      body: { ids: [fresh.id, done.id, "dlq_doesnotexist00000000", ofB.id, discarded.id, another.id, fresh.id] },
    });
    const items = expectSuccessEnvelope(answer).items;
    expect(items.map(({ id, outcome }) => ({ id, outcome }))).toEqual([
      { id: fresh.id, outcome: "redriven" },
      { id: done.id, outcome: "not_redrivable" },
      { id: "dlq_doesnotexist00000000", outcome: "not_found" },
      { id: ofB.id, outcome: "not_found" },
      { id: discarded.id, outcome: "not_redrivable" },
      { id: another.id, outcome: "redriven" },
    ]);
    for (const item of items.filter((i) => i.outcome === "not_redrivable")) expect(item.message).toEqual(expect.any(String));

    expect((await messageRow(fresh.messageId))?.status).toBe("queued");
    expect((await messageRow(another.messageId))?.status).toBe("queued");
    expect((await messageRow(discarded.messageId))?.status).toBe("failed");
    expect((await messageRow(ofB.messageId))?.status).toBe("failed");
    expect((await deadLetterRow(ofB.id))?.redrivenAt).toBeNull();
    const freshEvents = await database(env.DB).query.messageEvents.findMany({ where: eq(messageEvents.messageId, fresh.messageId) });
    expect(freshEvents).toHaveLength(1);
  });

  it("validates the ids", async () => {
    const tenant = await createTenant(await createOpsKey());
    const post = (body: unknown) => call("POST", "/v1/dead-letters/redrive", { key: tenant.adminKey, body });
    expectInvalid(await post({ ids: [] }), "ids");
    expectInvalid(await post({ ids: Array.from({ length: 101 }, (_, i) => `dlq_${i}`) }), "ids");
    expectInvalid(await post({ ids: [""] }), "ids.0");
    expectInvalid(await post({}), "ids");
  });

  it("reports each id: a queue outage mid-way leaves the earlier ids redriven and the rest pending", async () => {
    const tenant = await createTenant(await createOpsKey());
    const first = await seedDeadLetter(tenant.tenantId);
    const second = await seedDeadLetter(tenant.tenantId);
    let sends = 0;
    const failsAfterOne = {
      send: async () => {
        if (++sends > 1) throw new Error("queue down");
      },
      sendBatch: async () => {
        throw new Error("queue down");
      },
    } as unknown as Parameters<typeof callApp>[0]["DELIVERY_QUEUE"];

    const answer = await callApp({ DELIVERY_QUEUE: failsAfterOne }, "POST", "/v1/dead-letters/redrive", {
      key: tenant.adminKey,
      body: { ids: [first.id, second.id] },
    });

    const data = expectSuccessEnvelope(answer, 200) as { items: { id: string; outcome: string }[] };
    expect(data.items.map((item) => [item.id, item.outcome])).toEqual([
      [first.id, "redriven"],
      [second.id, "unavailable"],
    ]);
    expect((await deadLetterRow(second.id))?.redrivenAt).toBeNull();
    expect((await messageRow(second.messageId))?.status).toBe("failed");
    expect((await messageRow(first.messageId))?.status).toBe("queued");
  });
});

describe("POST /v1/dead-letters/:id/discard", () => {
  it("discards; a redrive then is refused", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = await seedDeadLetter(tenant.tenantId);
    const data = expectSuccessEnvelope(await call<DeadLetter>("POST", `/v1/dead-letters/${seeded.id}/discard`, { key: tenant.adminKey }));
    expect(data.id).toBe(seeded.id);
    expect(data.discardedAt).toEqual(expect.any(String));
    expect(data.redrivenAt).toBeNull();

    const message = expectSuccessEnvelope(
      await call<MessageWithEvents>("GET", `/v1/messages/${seeded.messageId}`, { key: tenant.adminKey }),
    );
    expect(message.status).toBe("failed");
    expect(message.events.map((e) => e.reason)).toEqual([`dead letter ${seeded.id} discarded`]);

    expectErrorEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/redrive`, { key: tenant.adminKey }), 409, "CONFLICT");
    expectErrorEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/discard`, { key: tenant.adminKey }), 409, "CONFLICT");
    expect((await messageRow(seeded.messageId))?.status).toBe("failed");
    expect(await deadLetterRow(seeded.id)).toMatchObject({ redrivenAt: null, discardedAt: data.discardedAt });
    const events = await database(env.DB).query.messageEvents.findMany({ where: eq(messageEvents.messageId, seeded.messageId) });
    expect(events).toHaveLength(1);
  });

  it("refuses to discard a redriven dead letter", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = await seedDeadLetter(tenant.tenantId);
    expectSuccessEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/redrive`, { key: tenant.adminKey }));
    expectErrorEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/discard`, { key: tenant.adminKey }), 409, "CONFLICT");
    expect((await deadLetterRow(seeded.id))?.discardedAt).toBeNull();
  });
});

describe("scopes", () => {
  it("needs an admin key for every dead-letter endpoint", async () => {
    const tenant = await createTenant(await createOpsKey());
    const seeded = await seedDeadLetter(tenant.tenantId);
    for (const key of [tenant.sendKey, tenant.readKey]) {
      expectErrorEnvelope(await call("GET", "/v1/dead-letters", { key }), 403, "FORBIDDEN");
      expectErrorEnvelope(await call("GET", `/v1/dead-letters/${seeded.id}`, { key }), 403, "FORBIDDEN");
      expectErrorEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/redrive`, { key }), 403, "FORBIDDEN");
      expectErrorEnvelope(await call("POST", "/v1/dead-letters/redrive", { key, body: { ids: [seeded.id] } }), 403, "FORBIDDEN");
      expectErrorEnvelope(await call("POST", `/v1/dead-letters/${seeded.id}/discard`, { key }), 403, "FORBIDDEN");
    }
    expectErrorEnvelope(await call("GET", "/v1/dead-letters"), 401, "UNAUTHORIZED");
    expect(await deadLetterRow(seeded.id)).toMatchObject({ redrivenAt: null, discardedAt: null });
    expect((await messageRow(seeded.messageId))?.status).toBe("failed");
  });
});
