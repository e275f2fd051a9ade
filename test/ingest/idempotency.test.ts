import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { requestFingerprint } from "../../workers/ingest/services/request-fingerprint";
import {
  type ApiAnswer,
  call,
  callApp,
  countRows,
  detailPaths,
  downQueue,
  email,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  sms,
  type TenantFixture,
} from "../support/api";
import { eventsOf } from "../support/d1-fixtures";

type Message = { id: string; tenantId: string; idempotencyKey: string | null; status: string; to: string; content: { text?: string } };
type KeyRow = {
  tenant_id: string;
  key: string;
  request_hash: string;
  response_status: number;
  response_body: string;
  created_at: string;
  completed_at: string | null;
  expires_at: string;
};

const DAY_MS = 86_400_000;
const newKey = () => `idem-${crypto.randomUUID()}`;

const send = (tenant: TenantFixture, key: string, body: unknown) =>
  call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body, headers: { "idempotency-key": key } });
const sendBatch = (tenant: TenantFixture, key: string, messages: unknown[]) =>
  call<{ items: Message[] }>("POST", "/v1/messages/batch", {
    key: tenant.sendKey,
    body: { messages },
    headers: { "idempotency-key": key },
  });

const messageCount = (tenant: TenantFixture) => countRows("messages", "tenant_id = ?", tenant.tenantId);
const keyRow = (tenant: TenantFixture, key: string) =>
  env.DB.prepare("SELECT * FROM idempotency_keys WHERE tenant_id = ? AND key = ?").bind(tenant.tenantId, key).first<KeyRow>();

function expectFirstUse<T>(answer: ApiAnswer<T>): T {
  const data = expectSuccessEnvelope(answer, 202);
  expect(answer.headers.get("idempotent-replayed")).toBeNull();
  return data;
}

function expectReplay<T>(answer: ApiAnswer<T>): T {
  const data = expectSuccessEnvelope(answer, 202);
  expect(answer.headers.get("idempotent-replayed")).toBe("true");
  return data;
}

/** A claim written straight into D1, as a request that is (or was) mid-way would leave it. */
async function insertClaim(
  tenant: TenantFixture,
  key: string,
  requestHash: string,
  createdAt: Date,
  body: unknown = { id: "msg_from_the_claim" },
) {
  await env.DB.prepare(
    "INSERT INTO idempotency_keys (tenant_id, key, request_hash, response_status, response_body, created_at, completed_at, expires_at) VALUES (?, ?, ?, 202, ?, ?, NULL, ?)",
  )
    .bind(
      tenant.tenantId,
      key,
      requestHash,
      JSON.stringify(body),
      createdAt.toISOString(),
      new Date(createdAt.getTime() + DAY_MS).toISOString(),
    )
    .run();
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Idempotency-Key on POST /v1/messages", () => {
  it("same key + same body: the original answer, marked as a replay, and one message", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const first = await send(tenant, key, sms());
    const original = expectFirstUse(first);
    expect(original.idempotencyKey).toBe(key);
    for (let i = 0; i < 3; i++) {
      const again = await send(tenant, key, sms());
      expect(expectReplay(again)).toEqual(original);
    }
    expect(await messageCount(tenant)).toBe(1);
    expect((await eventsOf(original.id)).length).toBe(1);
    const row = await keyRow(tenant, key);
    expect(row?.completed_at).not.toBeNull();
    expect(row?.response_status).toBe(202);
    expect(JSON.parse(row?.response_body ?? "null")).toEqual(original);
    // Keys live 24 hours.
    expect(Date.parse(row?.expires_at ?? "") - Date.parse(row?.created_at ?? "")).toBe(DAY_MS);
    const message = await env.DB.prepare("SELECT idempotency_key, request_hash FROM messages WHERE id = ?")
      .bind(original.id)
      .first<{ idempotency_key: string; request_hash: string }>();
    expect(message).toEqual({ idempotency_key: key, request_hash: row?.request_hash });
  });

  it("a replay carries its own request id", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    expectFirstUse(await send(tenant, key, sms()));
    const replay = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      body: sms(),
      headers: { "idempotency-key": key, "x-request-id": "replay-request-1" },
    });
    expectReplay(replay);
    expect(replay.body.meta.requestId).toBe("replay-request-1");
  });

  it("same key + different body: 422 IDEMPOTENCY_MISMATCH, nothing new stored", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const original = expectFirstUse(await send(tenant, key, sms()));
    const changes = [
      sms({ content: { text: "Your code is 654321" } }),
      sms({ to: "+14155550101" }),
      sms({ metadata: { a: 1 } }),
      email(),
      { ...sms(), from: "Acme" },
    ];
    for (const body of changes) {
      const answer = await send(tenant, key, body);
      const error = expectErrorEnvelope(answer, 422, "IDEMPOTENCY_MISMATCH");
      expect(error.retryable).toBe(false);
    }
    expect(await messageCount(tenant)).toBe(1);
    // The key still answers the original request.
    expect(expectReplay(await send(tenant, key, sms())).id).toBe(original.id);
  });

  it("the same body with other key order, whitespace or phone spelling is a replay, not a mismatch", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const original = expectFirstUse(await send(tenant, key, sms({ metadata: { a: 1, b: "two" } })));
    const raws = [
      '{"metadata":{"b":"two","a":1},"content":{"text":"Your code is 123456"},"to":"+14155550100","channel":"sms"}',
      '{\n  "channel" : "sms",\n  "to" : "+14155550100",\n  "content" : { "text" : "Your code is 123456" },\n  "metadata" : { "a" : 1, "b" : "two" }\n}\n',
      JSON.stringify(sms({ to: "+1 (415) 555-0100", metadata: { b: "two", a: 1 } })),
    ];
    for (const rawBody of raws) {
      const answer = await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, rawBody, headers: { "idempotency-key": key } });
      expect(expectReplay(answer).id).toBe(original.id);
    }
    expect(await messageCount(tenant)).toBe(1);
  });

  it("keys are scoped per tenant: tenant B reusing A's key string gets its own message", async () => {
    const tenantA = await freshTenant();
    const tenantB = await freshTenant();
    const key = newKey();
    const a = expectFirstUse(await send(tenantA, key, sms()));
    const b = expectFirstUse(await send(tenantB, key, sms()));
    expect(b.id).not.toBe(a.id);
    expect(b.tenantId).toBe(tenantB.tenantId);
    // And a different body under the same string is no mismatch for another tenant.
    const tenantC = await freshTenant();
    expectFirstUse(await send(tenantC, key, email()));
    expect(await messageCount(tenantA)).toBe(1);
    expect(await messageCount(tenantB)).toBe(1);
    expect(await messageCount(tenantC)).toBe(1);
    expect(expectReplay(await send(tenantA, key, sms())).id).toBe(a.id);
    expect(expectReplay(await send(tenantB, key, sms())).id).toBe(b.id);
  });

  it("concurrent duplicates: exactly one message; every answer is that message (202) or 409 CONFLICT", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(tenant, key, sms())));
    expect(await messageCount(tenant)).toBe(1);
    const row = await env.DB.prepare("SELECT id FROM messages WHERE tenant_id = ?").bind(tenant.tenantId).first<{ id: string }>();
    let accepted = 0;
    for (const answer of answers) {
      if (answer.status === 202) {
        expect(expectSuccessEnvelope(answer, 202).id).toBe(row?.id);
        accepted++;
      } else {
        expectErrorEnvelope(answer, 409, "CONFLICT", true);
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(answers.filter((answer) => answer.status === 202 && answer.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    // Once settled, a retry replays.
    expect(expectReplay(await send(tenant, key, sms())).id).toBe(row?.id);
  });

  it("an expired key makes a new message", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const first = expectFirstUse(await send(tenant, key, sms()));
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = ?, created_at = ? WHERE tenant_id = ? AND key = ?")
      .bind(new Date(Date.now() - 60_000).toISOString(), new Date(Date.now() - DAY_MS - 60_000).toISOString(), tenant.tenantId, key)
      .run();
    const second = expectFirstUse(await send(tenant, key, sms()));
    expect(second.id).not.toBe(first.id);
    expect(await messageCount(tenant)).toBe(2);
    const row = await keyRow(tenant, key);
    expect(Date.parse(row?.expires_at ?? "")).toBeGreaterThan(Date.now());
    expect(expectReplay(await send(tenant, key, sms())).id).toBe(second.id);
  });

  it("a key expiring at this very millisecond counts as expired: a new message, not an error", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const now = new Date();
    vi.setSystemTime(now);
    const tenant = await freshTenant();
    const key = newKey();
    const first = expectFirstUse(await send(tenant, key, sms()));
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = ? WHERE tenant_id = ? AND key = ?")
      .bind(now.toISOString(), tenant.tenantId, key)
      .run();
    const second = expectFirstUse(await send(tenant, key, sms()));
    expect(second.id).not.toBe(first.id);
    expect(await messageCount(tenant)).toBe(2);
  });

  it("an expired key may be reused with a different body", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    expectFirstUse(await send(tenant, key, sms()));
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = ? WHERE tenant_id = ? AND key = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), tenant.tenantId, key)
      .run();
    expect(expectFirstUse(await send(tenant, key, email())).to).toBe("ada@example.com");
    expect(await messageCount(tenant)).toBe(2);
  });

  it("a claim still in flight answers 409 CONFLICT (retryable) and stores nothing", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    // The route fingerprints the parsed body; sms() is already in its normal form.
    await insertClaim(tenant, key, await requestFingerprint("POST /v1/messages", sms()), new Date());
    const answer = await send(tenant, key, sms());
    expectErrorEnvelope(answer, 409, "CONFLICT", true);
    expect(await messageCount(tenant)).toBe(0);
    // A different body under the in-flight key is a mismatch, not a conflict.
    expectErrorEnvelope(await send(tenant, key, email()), 422, "IDEMPOTENCY_MISMATCH");
    expect((await keyRow(tenant, key))?.completed_at).toBeNull();
  });

  it("a claim left incomplete by a request that died long ago replays its stored answer", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const stored = { id: "msg_storedbyadeadrequest", status: "queued" };
    await insertClaim(tenant, key, await requestFingerprint("POST /v1/messages", sms()), new Date(Date.now() - 5 * 60_000), stored);
    expect(expectReplay(await send(tenant, key, sms()))).toEqual(stored);
    expect(await messageCount(tenant)).toBe(0);
  });

  it("a failed queue send releases the key: a retry with the same key is accepted", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const down = await callApp({ DELIVERY_QUEUE: downQueue() }, "POST", "/v1/messages", {
      key: tenant.sendKey,
      body: sms(),
      headers: { "idempotency-key": key },
    });
    expectErrorEnvelope(down, 503, "SERVICE_UNAVAILABLE");
    expect(await keyRow(tenant, key)).toBeNull();
    expect(await messageCount(tenant)).toBe(0);
    const retry = expectFirstUse(await send(tenant, key, sms()));
    expect(retry.idempotencyKey).toBe(key);
    expect(await messageCount(tenant)).toBe(1);
    expect(expectReplay(await send(tenant, key, sms())).id).toBe(retry.id);
  });

  it("a request refused by validation does not use up the key", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    expectErrorEnvelope(await send(tenant, key, sms({ to: "nope" })), 400, "INVALID_INPUT");
    expect(await keyRow(tenant, key)).toBeNull();
    expectFirstUse(await send(tenant, key, sms()));
  });

  it("without a key, identical requests make separate messages", async () => {
    const tenant = await freshTenant();
    const first = expectSuccessEnvelope(await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms() }), 202);
    const second = expectSuccessEnvelope(await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body: sms() }), 202);
    expect(second.id).not.toBe(first.id);
    expect(first.idempotencyKey).toBeNull();
    expect(await messageCount(tenant)).toBe(2);
    expect(await countRows("idempotency_keys", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("refuses a malformed Idempotency-Key header with 400 naming it", async () => {
    const tenant = await freshTenant();
    for (const key of ["has space", "k".repeat(256), "tab\there"]) {
      const answer = await send(tenant, key, sms());
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(
        detailPaths(answer).some((path) => path.endsWith("idempotency-key")),
        key,
      ).toBe(true);
    }
    expect(await messageCount(tenant)).toBe(0);
    expectFirstUse(await send(tenant, "k".repeat(255), sms()));
  });
});

describe("Idempotency-Key on POST /v1/messages/batch", () => {
  it("same key + same batch replays the same items; a different batch is 422", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const messages = [sms(), email(), sms({ to: "+14155550101" })];
    const first = expectFirstUse(await sendBatch(tenant, key, messages));
    expect(first.items).toHaveLength(3);
    for (const item of first.items) expect(item.idempotencyKey).toBe(key);
    const replay = expectReplay(await sendBatch(tenant, key, messages));
    expect(replay).toEqual(first);
    expect(await messageCount(tenant)).toBe(3);

    expectErrorEnvelope(await sendBatch(tenant, key, [messages[1], messages[0], messages[2]]), 422, "IDEMPOTENCY_MISMATCH");
    expectErrorEnvelope(await sendBatch(tenant, key, messages.slice(0, 2)), 422, "IDEMPOTENCY_MISMATCH");
    expect(await messageCount(tenant)).toBe(3);
  });

  it("a key used for a single send is a mismatch on the batch endpoint, and the other way round", async () => {
    const tenant = await freshTenant();
    const single = newKey();
    expectFirstUse(await send(tenant, single, sms()));
    expectErrorEnvelope(await sendBatch(tenant, single, [sms()]), 422, "IDEMPOTENCY_MISMATCH");
    const batch = newKey();
    expectFirstUse(await sendBatch(tenant, batch, [sms()]));
    expectErrorEnvelope(await send(tenant, batch, sms()), 422, "IDEMPOTENCY_MISMATCH");
    expect(await messageCount(tenant)).toBe(2);
  });

  it("concurrent duplicate batches store the batch once", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const messages = [sms(), email()];
    const answers = await Promise.all(Array.from({ length: 4 }, () => sendBatch(tenant, key, messages)));
    expect(await messageCount(tenant)).toBe(2);
    const ids = new Set<string>();
    for (const answer of answers) {
      if (answer.status === 202) for (const item of expectSuccessEnvelope(answer, 202).items) ids.add(item.id);
      else expectErrorEnvelope(answer, 409, "CONFLICT", true);
    }
    expect(ids.size).toBe(2);
  });

  it("a batch refused by a down queue releases its key", async () => {
    const tenant = await freshTenant();
    const key = newKey();
    const down = await callApp({ DELIVERY_QUEUE: downQueue() }, "POST", "/v1/messages/batch", {
      key: tenant.sendKey,
      body: { messages: [sms(), email()] },
      headers: { "idempotency-key": key },
    });
    expectErrorEnvelope(down, 503, "SERVICE_UNAVAILABLE");
    expect(await keyRow(tenant, key)).toBeNull();
    expect(await messageCount(tenant)).toBe(0);
    expect(expectFirstUse(await sendBatch(tenant, key, [sms(), email()])).items).toHaveLength(2);
  });
});

describe("a keyed request whose answer could not be stored", () => {
  it("is refused with 413 and a clear message, writing nothing; without a key the same batch is accepted", async () => {
    const tenant = await freshTenant();
    const big = "x".repeat(100_000);
    const messages = Array.from({ length: 20 }, (_, i) => email({ to: `big${i}@example.com`, content: { text: big } }));

    const keyed = await sendBatch(tenant, newKey(), messages);
    expectErrorEnvelope(keyed, 413, "PAYLOAD_TOO_LARGE");
    expect(keyed.body.error.message).toContain("Idempotency-Key");
    expect(await messageCount(tenant)).toBe(0);

    const unkeyed = await call("POST", "/v1/messages/batch", { key: tenant.sendKey, body: { messages } });
    expect(unkeyed.status).toBe(202);
  });
});
