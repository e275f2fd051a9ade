import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { call, countRows, detailPaths, expectErrorEnvelope, expectSuccessEnvelope, freshTenant } from "../support/api";
import { eventReceiver } from "../support/event-receiver";

type Endpoint = {
  id: string;
  tenantId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  secretMask: string;
  disabledReason: string | null;
  secret?: string;
};
type TestResult = {
  eventId: string;
  deliveryId: string;
  ok: boolean;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
};

const path = "/v1/webhook-endpoints";

async function addEndpoint(key: string, body: Record<string, unknown>) {
  return expectSuccessEnvelope(await call<Endpoint & { secret: string }>("POST", path, { key, body }), 201);
}

describe("POST /v1/webhook-endpoints", () => {
  it("creates an endpoint and shows its whsec_ secret once; reads show only a mask, and D1 holds it sealed", async () => {
    const tenant = await freshTenant();
    const created = await addEndpoint(tenant.adminKey, {
      url: "https://hooks.example.com/relay",
      eventTypes: ["message.sent", "message.delivered"],
      description: "orders",
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ tenantId: tenant.tenantId, enabled: true, eventTypes: ["message.sent", "message.delivered"] });
    expect(created.secretMask).toBe(`whsec_…${created.secret.slice(-4)}`);

    const read = expectSuccessEnvelope(await call<Endpoint>("GET", `${path}/${created.id}`, { key: tenant.adminKey }));
    expect(read).not.toHaveProperty("secret");
    expect(JSON.stringify(read)).not.toContain(created.secret.slice(6));
    const listed = expectSuccessEnvelope(await call<{ items: Endpoint[] }>("GET", path, { key: tenant.adminKey }));
    expect(listed.items.map((item) => item.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(6));
    const stored = await env.DB.prepare("SELECT * FROM webhook_endpoints WHERE id = ?").bind(created.id).first<Record<string, unknown>>();
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(6));
  });

  it.each([
    ["an http URL on a public host", { url: "http://hooks.example.com/x" }, "url"],
    ["a private address", { url: "https://10.0.0.7/x" }, "url"],
    ["an internal name", { url: "https://hooks.internal/x" }, "url"],
    ["not a URL", { url: "hooks" }, "url"],
    ["an unknown event type", { url: "https://hooks.example.com/x", eventTypes: ["message.exploded"] }, "eventTypes.0"],
    ["a repeated event type", { url: "https://hooks.example.com/x", eventTypes: ["message.sent", "message.sent"] }, "eventTypes"],
    ["an unknown field", { url: "https://hooks.example.com/x", secret: "whsec_mine" }, "secret"],
  ])("refuses %s with 400 naming the field", async (_what, body, field) => {
    const tenant = await freshTenant();
    const answer = await call("POST", path, { key: tenant.adminKey, body });
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    expect(detailPaths(answer)).toContain(field);
    expect(await countRows("webhook_endpoints", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("takes loopback only under the local allowance (tests and the local stack set it)", async () => {
    const tenant = await freshTenant();
    await addEndpoint(tenant.adminKey, { url: "http://127.0.0.1:9/hook" });
  });

  it("needs the admin scope", async () => {
    const tenant = await freshTenant();
    expectErrorEnvelope(await call("POST", path, { key: tenant.sendKey, body: { url: "https://hooks.example.com/x" } }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("GET", path, { key: tenant.readKey }), 403, "FORBIDDEN");
  });
});

describe("another tenant's endpoint", () => {
  it("answers 404 to every route, exactly like a missing one", async () => {
    const a = await freshTenant();
    const b = await freshTenant();
    const endpoint = await addEndpoint(a.adminKey, { url: "https://hooks.example.com/a" });
    const attempts = [
      call("GET", `${path}/${endpoint.id}`, { key: b.adminKey }),
      call("PATCH", `${path}/${endpoint.id}`, { key: b.adminKey, body: { enabled: false } }),
      call("POST", `${path}/${endpoint.id}/rotate-secret`, { key: b.adminKey }),
      call("GET", `${path}/${endpoint.id}/attempts`, { key: b.adminKey }),
      call("POST", `${path}/${endpoint.id}/replay`, { key: b.adminKey, body: { since: new Date(0).toISOString() } }),
      call("POST", `${path}/${endpoint.id}/deliveries/whd_x/replay`, { key: b.adminKey }),
      call("POST", `${path}/${endpoint.id}/test`, { key: b.adminKey }),
      call("DELETE", `${path}/${endpoint.id}`, { key: b.adminKey }),
    ];
    for (const answer of await Promise.all(attempts)) expectErrorEnvelope(answer, 404, "NOT_FOUND");
    const listed = expectSuccessEnvelope(await call<{ items: Endpoint[] }>("GET", path, { key: b.adminKey }));
    expect(listed.items).toEqual([]);
    expect(expectSuccessEnvelope(await call<Endpoint>("GET", `${path}/${endpoint.id}`, { key: a.adminKey })).enabled).toBe(true);
  });
});

describe("PATCH and DELETE", () => {
  it("disables with a reason, enables again clearing it, checks a new URL, and deletes", async () => {
    const tenant = await freshTenant();
    const endpoint = await addEndpoint(tenant.adminKey, { url: "https://hooks.example.com/a" });
    const off = expectSuccessEnvelope(
      await call<Endpoint>("PATCH", `${path}/${endpoint.id}`, { key: tenant.adminKey, body: { enabled: false } }),
    );
    expect(off).toMatchObject({ enabled: false, disabledReason: "disabled by a user" });
    const on = expectSuccessEnvelope(
      await call<Endpoint>("PATCH", `${path}/${endpoint.id}`, {
        key: tenant.adminKey,
        body: { enabled: true, eventTypes: ["message.failed"] },
      }),
    );
    expect(on).toMatchObject({ enabled: true, disabledReason: null, eventTypes: ["message.failed"] });
    const refused = await call("PATCH", `${path}/${endpoint.id}`, { key: tenant.adminKey, body: { url: "https://192.168.1.1/x" } });
    expectErrorEnvelope(refused, 400, "INVALID_INPUT");
    expect(detailPaths(refused)).toEqual(["url"]);
    expectSuccessEnvelope(await call("DELETE", `${path}/${endpoint.id}`, { key: tenant.adminKey }));
    expectErrorEnvelope(await call("GET", `${path}/${endpoint.id}`, { key: tenant.adminKey }), 404, "NOT_FOUND");
  });
});

describe("test event and secret rotation", () => {
  it("posts a signed webhook.test the endpoint verifies with its secret, and logs the attempt", async () => {
    const tenant = await freshTenant();
    const receiver = await eventReceiver([200]);
    const endpoint = await addEndpoint(tenant.adminKey, { url: receiver.url });
    const result = expectSuccessEnvelope(await call<TestResult>("POST", `${path}/${endpoint.id}/test`, { key: tenant.adminKey }));
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null, responseExcerpt: "answer 1: 200" });

    const [request] = await receiver.requests();
    const verified = new Webhook(endpoint.secret).verify(request.body, request.headers) as {
      id: string;
      type: string;
      data: { endpointId: string };
    };
    expect(verified).toMatchObject({ id: result.eventId, type: "webhook.test", data: { endpointId: endpoint.id } });
    expect(request.headers["webhook-id"]).toBe(result.eventId);

    const attempts = expectSuccessEnvelope(
      await call<{ items: Record<string, unknown>[] }>("GET", `${path}/${endpoint.id}/attempts`, { key: tenant.adminKey }),
    );
    expect(attempts.items).toHaveLength(1);
    expect(attempts.items[0]).toMatchObject({
      deliveryId: result.deliveryId,
      eventType: "webhook.test",
      ok: true,
      statusCode: 200,
      attempt: 1,
    });
    expect(JSON.stringify(attempts)).not.toContain(endpoint.secret.slice(6));
  });

  it("reports a refusing endpoint in fixed words, with the start of its answer", async () => {
    const tenant = await freshTenant();
    const receiver = await eventReceiver([500]);
    const endpoint = await addEndpoint(tenant.adminKey, { url: receiver.url });
    const result = expectSuccessEnvelope(await call<TestResult>("POST", `${path}/${endpoint.id}/test`, { key: tenant.adminKey }));
    expect(result).toMatchObject({ ok: false, statusCode: 500, error: "the endpoint answered 500", responseExcerpt: "answer 1: 500" });
  });

  it("after a rotation signs with both secrets for the overlap, and shows the new secret once", async () => {
    const tenant = await freshTenant();
    const receiver = await eventReceiver([204]);
    const endpoint = await addEndpoint(tenant.adminKey, { url: receiver.url });
    const rotated = expectSuccessEnvelope(
      await call<Endpoint & { secret: string; previousSecretExpiresAt: string }>("POST", `${path}/${endpoint.id}/rotate-secret`, {
        key: tenant.adminKey,
      }),
    );
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.secretMask).toBe(`whsec_…${rotated.secret.slice(-4)}`);
    const overlap = Date.parse(rotated.previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);

    expectSuccessEnvelope(await call("POST", `${path}/${endpoint.id}/test`, { key: tenant.adminKey }));
    const [request] = await receiver.requests();
    expect(request.headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [endpoint.secret, rotated.secret])
      expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${btoa("another secret entirely!")}`).verify(request.body, request.headers)).toThrow();
    const read = expectSuccessEnvelope(await call<Endpoint>("GET", `${path}/${endpoint.id}`, { key: tenant.adminKey }));
    expect(JSON.stringify(read)).not.toContain(rotated.secret.slice(6));
  });
});

describe("replay", () => {
  it("queues every stored event of the endpoint's types since a time, keeping event ids; refuses a disabled endpoint", async () => {
    const tenant = await freshTenant();
    const endpoint = await addEndpoint(tenant.adminKey, { url: "https://hooks.example.com/a", eventTypes: ["message.sent"] });
    const insert = (id: string, type: string, at: string) =>
      env.DB.prepare("INSERT INTO tenant_events (id, tenant_id, type, payload, occurred_at) VALUES (?, ?, ?, '{}', ?)")
        .bind(id, tenant.tenantId, type, at)
        .run();
    await insert("evt_old", "message.sent", "2026-01-01T00:00:00.000Z");
    await insert("evt_new", "message.sent", "2026-06-01T00:00:00.000Z");
    await insert("evt_other_type", "message.failed", "2026-06-01T00:00:00.000Z");
    const answer = await call<{ replayed: number; nextSince: string | null }>("POST", `${path}/${endpoint.id}/replay`, {
      key: tenant.adminKey,
      body: { since: "2026-03-01T00:00:00Z" },
    });
    expect(expectSuccessEnvelope(answer, 202)).toEqual({ replayed: 1, nextSince: null });
    const deliveries = await env.DB.prepare("SELECT event_id, state, attempts FROM webhook_deliveries WHERE endpoint_id = ?")
      .bind(endpoint.id)
      .all();
    expect(deliveries.results).toEqual([{ event_id: "evt_new", state: "pending", attempts: 0 }]);

    const deliveryId = (
      await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE endpoint_id = ?").bind(endpoint.id).first<{ id: string }>()
    )?.id;
    const again = await call<{ deliveryId: string; eventId: string }>("POST", `${path}/${endpoint.id}/deliveries/${deliveryId}/replay`, {
      key: tenant.adminKey,
    });
    expect(expectSuccessEnvelope(again, 202)).toMatchObject({ eventId: "evt_new" });
    expectErrorEnvelope(
      await call("POST", `${path}/${endpoint.id}/deliveries/whd_missing/replay`, { key: tenant.adminKey }),
      404,
      "NOT_FOUND",
    );

    await call("PATCH", `${path}/${endpoint.id}`, { key: tenant.adminKey, body: { enabled: false } });
    expectErrorEnvelope(
      await call("POST", `${path}/${endpoint.id}/replay`, { key: tenant.adminKey, body: { since: "2026-03-01T00:00:00Z" } }),
      409,
      "CONFLICT",
    );
    const bad = await call("POST", `${path}/${endpoint.id}/replay`, { key: tenant.adminKey, body: { since: "yesterday" } });
    expectErrorEnvelope(bad, 400, "INVALID_INPUT");
    expect(detailPaths(bad)).toEqual(["since"]);
  });
});
