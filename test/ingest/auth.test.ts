import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  call,
  countRows,
  createOpsKey,
  createTenant,
  email,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  sms,
} from "../support/api";
import { eventsOf } from "../support/d1-fixtures";

type Message = { id: string; tenantId: string; to: string; status: string };
type Page = { items: Message[]; nextCursor: string | null };
type IssuedKey = { id: string; key: string; tenantId: string | null; revokedAt: string | null };

const uniqueEmail = () => `user-${crypto.randomUUID()}@example.com`;
const randomKey = () => `rk_${crypto.randomUUID().replaceAll("-", "")}${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;

async function sendOne(key: string, body: unknown = sms()): Promise<Message> {
  return expectSuccessEnvelope(await call<Message>("POST", "/v1/messages", { key, body }), 202);
}

async function issueKey(adminKey: string, tenantId: string, scopes: string[]): Promise<IssuedKey> {
  const answer = await call<IssuedKey>("POST", `/v1/tenants/${tenantId}/api-keys`, { key: adminKey, body: { name: "extra", scopes } });
  return expectSuccessEnvelope(answer, 201);
}

/** Every message endpoint, for checks that apply to all of them. */
const endpoints = (messageId: string): [string, string, unknown?][] => [
  ["POST", "/v1/messages", sms()],
  ["POST", "/v1/messages/batch", { messages: [sms()] }],
  ["GET", "/v1/messages"],
  ["GET", `/v1/messages/${messageId}`],
  ["POST", `/v1/messages/${messageId}/cancel`],
];

describe("authentication", () => {
  it("answers 401 UNAUTHORIZED without an Authorization header, on every message endpoint", async () => {
    const tenant = await freshTenant();
    const message = await sendOne(tenant.sendKey);
    for (const [method, path, body] of endpoints(message.id)) {
      const answer = await call(method, path, { body });
      expectErrorEnvelope(answer, 401, "UNAUTHORIZED");
    }
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(1);
    expect((await env.DB.prepare("SELECT status FROM messages WHERE id = ?").bind(message.id).first<{ status: string }>())?.status).toBe(
      "queued",
    );
  });

  it("answers 401 for a malformed Authorization header", async () => {
    const tenant = await freshTenant();
    const headers = [
      "Bearer",
      "Bearer ",
      tenant.sendKey,
      `Basic ${btoa(`user:${tenant.sendKey}`)}`,
      `Token ${tenant.sendKey}`,
      `Bearer ${tenant.sendKey} extra`,
      `Bearer: ${tenant.sendKey}`,
      `BearerX ${tenant.sendKey}`,
    ];
    for (const authorization of headers) {
      const answer = await call("POST", "/v1/messages", { body: sms(), headers: { authorization } });
      expectErrorEnvelope(answer, 401, "UNAUTHORIZED");
    }
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("accepts the scheme in any case, as HTTP allows", async () => {
    const tenant = await freshTenant();
    const answer = await call<Message>("POST", "/v1/messages", { body: sms(), headers: { authorization: `bearer ${tenant.sendKey}` } });
    expect(expectSuccessEnvelope(answer, 202).tenantId).toBe(tenant.tenantId);
  });

  it("answers 401 for a key that does not exist", async () => {
    const tenant = await freshTenant();
    for (const key of [randomKey(), `${tenant.sendKey}x`, tenant.sendKey.slice(0, -1), "rk_"]) {
      expectErrorEnvelope(await call("POST", "/v1/messages", { key, body: sms() }), 401, "UNAUTHORIZED");
      expectErrorEnvelope(await call("GET", "/v1/messages", { key }), 401, "UNAUTHORIZED");
    }
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("answers 401 for a key revoked by the tenant's admin key", async () => {
    const tenant = await freshTenant();
    const issued = await issueKey(tenant.adminKey, tenant.tenantId, ["send", "read"]);
    const message = await sendOne(issued.key);
    const revoke = await call<IssuedKey>("DELETE", `/v1/api-keys/${issued.id}`, { key: tenant.adminKey });
    expect(expectSuccessEnvelope(revoke).revokedAt).toEqual(expect.any(String));
    expectErrorEnvelope(await call("POST", "/v1/messages", { key: issued.key, body: sms() }), 401, "UNAUTHORIZED");
    expectErrorEnvelope(await call("GET", `/v1/messages/${message.id}`, { key: issued.key }), 401, "UNAUTHORIZED");
    expectErrorEnvelope(await call("POST", `/v1/messages/${message.id}/cancel`, { key: issued.key }), 401, "UNAUTHORIZED");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(1);
    // The tenant's other keys keep working.
    await sendOne(tenant.sendKey);
  });

  it("answers 401 for a key revoked by an ops key", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const issued = await issueKey(ops, tenant.tenantId, ["send"]);
    await sendOne(issued.key);
    expectSuccessEnvelope(await call("DELETE", `/v1/api-keys/${issued.id}`, { key: ops }));
    expectErrorEnvelope(await call("POST", "/v1/messages", { key: issued.key, body: sms() }), 401, "UNAUTHORIZED");
  });
});

describe("scopes", () => {
  it("a read-only key cannot send, batch or cancel: 403 FORBIDDEN, nothing stored", async () => {
    const tenant = await freshTenant();
    const message = await sendOne(tenant.sendKey);
    expectErrorEnvelope(await call("POST", "/v1/messages", { key: tenant.readKey, body: sms() }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("POST", "/v1/messages/batch", { key: tenant.readKey, body: { messages: [sms()] } }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("POST", `/v1/messages/${message.id}/cancel`, { key: tenant.readKey }), 403, "FORBIDDEN");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(1);
    expect((await eventsOf(message.id)).length).toBe(1);
  });

  it("a send-only key cannot read: 403 FORBIDDEN on the list and on one message", async () => {
    const tenant = await freshTenant();
    const message = await sendOne(tenant.sendKey);
    expectErrorEnvelope(await call("GET", "/v1/messages", { key: tenant.sendKey }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("GET", `/v1/messages/${message.id}`, { key: tenant.sendKey }), 403, "FORBIDDEN");
  });

  it("scope is checked before the message is looked up: no existence oracle for a key without the scope", async () => {
    const tenant = await freshTenant();
    expectErrorEnvelope(await call("GET", "/v1/messages/msg_doesnotexist000000000", { key: tenant.sendKey }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("POST", "/v1/messages/msg_doesnotexist000000000/cancel", { key: tenant.readKey }), 403, "FORBIDDEN");
  });

  it("an ops key cannot send, not even as a batch: 403 FORBIDDEN", async () => {
    const ops = await createOpsKey();
    const before = await countRows("messages", "request_id = ?", "ops-send");
    const answer = await call("POST", "/v1/messages", { key: ops, body: sms(), headers: { "x-request-id": "ops-send" } });
    expectErrorEnvelope(answer, 403, "FORBIDDEN");
    expectErrorEnvelope(
      await call("POST", "/v1/messages/batch", { key: ops, body: { messages: [sms()] }, headers: { "x-request-id": "ops-send" } }),
      403,
      "FORBIDDEN",
    );
    expect(await countRows("messages", "request_id = ?", "ops-send")).toBe(before);
  });

  it("a tenant admin key sends, reads and cancels its own messages", async () => {
    const tenant = await freshTenant();
    const message = await sendOne(tenant.adminKey);
    expect(message.tenantId).toBe(tenant.tenantId);
    expect(expectSuccessEnvelope(await call<Page>("GET", "/v1/messages", { key: tenant.adminKey })).items.map((m) => m.id)).toEqual([
      message.id,
    ]);
    expectSuccessEnvelope(await call("GET", `/v1/messages/${message.id}`, { key: tenant.adminKey }));
    expect(expectSuccessEnvelope(await call<Message>("POST", `/v1/messages/${message.id}/cancel`, { key: tenant.adminKey })).status).toBe(
      "canceled",
    );
  });
});

describe("tenant isolation", () => {
  it("tenant A cannot read or cancel B's message: 404 NOT_FOUND exactly as for a missing id", async () => {
    const a = await freshTenant();
    const b = await freshTenant();
    const theirs = await sendOne(b.sendKey);

    const missing = await call("GET", "/v1/messages/msg_doesnotexist000000000", { key: a.readKey });
    const foreign = await call("GET", `/v1/messages/${theirs.id}`, { key: a.readKey });
    const missingError = expectErrorEnvelope(missing, 404, "NOT_FOUND");
    const foreignError = expectErrorEnvelope(foreign, 404, "NOT_FOUND");
    expect(foreignError).toEqual(missingError);
    expect(JSON.stringify(foreign.body)).not.toContain(theirs.id);
    expect(JSON.stringify(foreign.body)).not.toContain(b.tenantId);

    const missingCancel = expectErrorEnvelope(
      await call("POST", "/v1/messages/msg_doesnotexist000000000/cancel", { key: a.sendKey }),
      404,
      "NOT_FOUND",
    );
    const foreignCancel = expectErrorEnvelope(
      await call("POST", `/v1/messages/${theirs.id}/cancel`, { key: a.adminKey }),
      404,
      "NOT_FOUND",
    );
    expect(foreignCancel).toEqual(missingCancel);

    // B's message is untouched and B still sees it.
    expect((await eventsOf(theirs.id)).length).toBe(1);
    const own = expectSuccessEnvelope(await call<Message>("GET", `/v1/messages/${theirs.id}`, { key: b.readKey }));
    expect(own.status).toBe("queued");
  });

  it("tenant A's list never includes B's messages, whatever the filters", async () => {
    const a = await freshTenant();
    const b = await freshTenant();
    const to = uniqueEmail();
    const mine = await sendOne(a.sendKey, email({ to }));
    const theirs = await sendOne(b.sendKey, email({ to }));
    await sendOne(b.sendKey, sms());
    const ids = (page: Page) => page.items.map((item) => item.id);
    expect(ids(expectSuccessEnvelope(await call<Page>("GET", "/v1/messages", { key: a.readKey })))).toEqual([mine.id]);
    expect(ids(expectSuccessEnvelope(await call<Page>("GET", `/v1/messages?to=${encodeURIComponent(to)}`, { key: a.readKey })))).toEqual([
      mine.id,
    ]);
    expect(ids(expectSuccessEnvelope(await call<Page>("GET", "/v1/messages?channel=sms", { key: a.readKey })))).toEqual([]);
    expect(ids(expectSuccessEnvelope(await call<Page>("GET", `/v1/messages?to=${encodeURIComponent(to)}`, { key: b.readKey })))).toEqual([
      theirs.id,
    ]);
  });

  it("tenant A asking for ?tenantId=<B> is refused with 403; its own id is allowed", async () => {
    const a = await freshTenant();
    const b = await freshTenant();
    await sendOne(b.sendKey);
    const mine = await sendOne(a.sendKey);
    const answer = await call("GET", `/v1/messages?tenantId=${b.tenantId}`, { key: a.readKey });
    expectErrorEnvelope(answer, 403, "FORBIDDEN");
    expect(JSON.stringify(answer.body)).not.toContain("items");
    expectErrorEnvelope(await call("GET", `/v1/messages?tenantId=${b.tenantId}`, { key: a.adminKey }), 403, "FORBIDDEN");
    const own = expectSuccessEnvelope(await call<Page>("GET", `/v1/messages?tenantId=${a.tenantId}`, { key: a.readKey }));
    expect(own.items.map((item) => item.id)).toEqual([mine.id]);
  });

  it("an ops key lists every tenant's messages and filters by tenantId", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const to = uniqueEmail();
    const fromA = await sendOne(a.sendKey, email({ to }));
    const fromB = await sendOne(b.sendKey, email({ to }));
    const ids = async (query: string) =>
      expectSuccessEnvelope(await call<Page>("GET", `/v1/messages?${query}`, { key: ops })).items.map((item) => item.id);

    expect((await ids(`to=${encodeURIComponent(to)}`)).sort()).toEqual([fromA.id, fromB.id].sort());
    expect(await ids(`to=${encodeURIComponent(to)}&tenantId=${a.tenantId}`)).toEqual([fromA.id]);
    expect(await ids(`tenantId=${b.tenantId}`)).toEqual([fromB.id]);
    expect(await ids("tenantId=ten_doesnotexist000000000")).toEqual([]);
    const one = expectSuccessEnvelope(await call<Message>("GET", `/v1/messages/${fromB.id}`, { key: ops }));
    expect(one.tenantId).toBe(b.tenantId);
  });
});
