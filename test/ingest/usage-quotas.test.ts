import { describe, expect, it } from "vitest";
import {
  call,
  callApp,
  countRows,
  createOpsKey,
  createTenant,
  downQueue,
  email,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  sms,
} from "../support/api";
import { insertMessage } from "../support/d1-fixtures";

type Tenant = { id: string; name: string; quotas: Record<string, number> };
type UsageItem = { key: string; messages: number; segments: number; cost: number; currency: string | null };

const send = (key: string, body: unknown, headers?: Record<string, string>) => call("POST", "/v1/messages", { key, body, headers });
const setQuotas = (ops: string, tenantId: string, quotas: Record<string, number>) =>
  call<Tenant>("PATCH", `/v1/tenants/${tenantId}`, { key: ops, body: { quotas } });
const messagesOf = (tenantId: string) => countRows("messages", "tenant_id = ?", tenantId);

describe("monthly quotas", () => {
  it("refuses the send past a channel's quota with 429 QUOTA_EXCEEDED, stores nothing, and leaves other channels alone", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const updated = expectSuccessEnvelope(await setQuotas(ops, tenant.tenantId, { sms: 2 }));
    expect(updated.quotas).toEqual({ sms: 2 });

    for (let i = 0; i < 2; i++) expectSuccessEnvelope(await send(tenant.sendKey, sms()), 202);
    const refused = await send(tenant.sendKey, sms());
    expectErrorEnvelope(refused, 429, "QUOTA_EXCEEDED");
    expect(refused.body.error.retryable).toBe(false);
    expect(refused.body.error.message).toContain("quota of 2");
    const resetsAt = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)).toISOString();
    expect(refused.body.error.details).toEqual([{ path: "channel", message: `quota 2 per month reached; resets at ${resetsAt}` }]);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(31 * 86_400);
    expect(await messagesOf(tenant.tenantId)).toBe(2);

    expectSuccessEnvelope(await send(tenant.sendKey, email()), 202);
    expect(await messagesOf(tenant.tenantId)).toBe(3);
  });

  it("a batch that would cross the quota is refused whole", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    expectSuccessEnvelope(await setQuotas(ops, tenant.tenantId, { sms: 3 }));
    const batch = (count: number) => ({ messages: Array.from({ length: count }, () => sms()) });
    expectSuccessEnvelope(await call("POST", "/v1/messages/batch", { key: tenant.sendKey, body: batch(2) }), 202);
    expectErrorEnvelope(await call("POST", "/v1/messages/batch", { key: tenant.sendKey, body: batch(2) }), 429, "QUOTA_EXCEEDED");
    expect(await messagesOf(tenant.tenantId)).toBe(2);
    expectSuccessEnvelope(await call("POST", "/v1/messages/batch", { key: tenant.sendKey, body: batch(1) }), 202);
    expect(await messagesOf(tenant.tenantId)).toBe(3);
  });

  it("counts what was sent this month before the quota was set, and stops counting once it is removed", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    for (let i = 0; i < 3; i++) expectSuccessEnvelope(await send(tenant.sendKey, sms()), 202);
    expectSuccessEnvelope(await setQuotas(ops, tenant.tenantId, { sms: 3 }));
    expectErrorEnvelope(await send(tenant.sendKey, sms()), 429, "QUOTA_EXCEEDED");

    expectSuccessEnvelope(await setQuotas(ops, tenant.tenantId, {}));
    expectSuccessEnvelope(await send(tenant.sendKey, sms()), 202);
    expect(await countRows("usage_counters", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("replays a keyed request accepted before the quota ran out, charging nothing again", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    expectSuccessEnvelope(await setQuotas(ops, tenant.tenantId, { sms: 1 }));
    const first = await send(tenant.sendKey, sms(), { "idempotency-key": "only-one" });
    expectSuccessEnvelope(first, 202);
    const replay = await send(tenant.sendKey, sms(), { "idempotency-key": "only-one" });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expectErrorEnvelope(await send(tenant.sendKey, sms()), 429, "QUOTA_EXCEEDED");
  });

  it("gives the charge back when the queue refuses the message", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    expectSuccessEnvelope(await setQuotas(ops, tenant.tenantId, { sms: 1 }));
    expectErrorEnvelope(
      await callApp({ DELIVERY_QUEUE: downQueue() }, "POST", "/v1/messages", { key: tenant.sendKey, body: sms() }),
      503,
      "SERVICE_UNAVAILABLE",
    );
    expectSuccessEnvelope(await send(tenant.sendKey, sms()), 202);
  });

  it("only ops set quotas; a tenant's admin may still rename its tenant", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    expectErrorEnvelope(await setQuotas(tenant.adminKey, tenant.tenantId, { sms: 1_000_000 }), 403, "FORBIDDEN");
    const renamed = expectSuccessEnvelope(
      await call<Tenant>("PATCH", `/v1/tenants/${tenant.tenantId}`, { key: tenant.adminKey, body: { name: "Renamed" } }),
    );
    expect(renamed).toMatchObject({ name: "Renamed", quotas: {} });
    const other = await createTenant(ops);
    expectErrorEnvelope(
      await call("PATCH", `/v1/tenants/${other.tenantId}`, { key: tenant.adminKey, body: { name: "Mine" } }),
      404,
      "NOT_FOUND",
    );
    const invalid = await setQuotas(ops, tenant.tenantId, { sms: -1 });
    expectErrorEnvelope(invalid, 400, "INVALID_INPUT");
    expectErrorEnvelope(await setQuotas(ops, tenant.tenantId, { fax: 1 } as Record<string, number>), 400, "INVALID_INPUT");
  });
});

describe("GET /v1/usage", () => {
  async function pricedTenant() {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const at = (day: number) => new Date(Date.UTC(2026, 10, day, 12)).toISOString();
    const rows = [
      { channel: "sms" as const, cost: 0.0079, currency: "USD", segments: 1, providerId: "prv_a", createdAt: at(2) },
      { channel: "sms" as const, cost: 0.0158, currency: "USD", segments: 2, providerId: "prv_a", createdAt: at(2) },
      { channel: "sms" as const, cost: 0.0316, currency: "USD", segments: 4, providerId: "prv_b", createdAt: at(3) },
      { channel: "email" as const, cost: 0.0004, currency: "USD", segments: null, providerId: "prv_c", createdAt: at(3) },
      { channel: "email" as const, cost: 0.0009, currency: "EUR", segments: null, providerId: "prv_d", createdAt: at(3) },
      { channel: "email" as const, cost: null, currency: null, segments: null, providerId: null, createdAt: at(4) },
    ];
    for (const row of rows) await insertMessage(tenant.tenantId, { ...row, updatedAt: row.createdAt });
    return { ops, tenant, rows };
  }
  const range = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";
  const usageOf = async (key: string, query: string) =>
    expectSuccessEnvelope(await call<{ items: UsageItem[] }>("GET", `/v1/usage?${range}&${query}`, { key })).items;

  it("totals equal the sum of the messages' own costs, per key and currency", async () => {
    const { tenant, rows } = await pricedTenant();
    const byChannel = await usageOf(tenant.readKey, "groupBy=channel");
    expect(byChannel).toEqual([
      { key: "email", messages: 1, segments: 0, cost: 0, currency: null },
      { key: "email", messages: 1, segments: 0, cost: 0.0009, currency: "EUR" },
      { key: "email", messages: 1, segments: 0, cost: 0.0004, currency: "USD" },
      { key: "sms", messages: 3, segments: 7, cost: 0.0553, currency: "USD" },
    ]);
    const usd = rows.filter((row) => row.currency === "USD").reduce((sum, row) => sum + (row.cost ?? 0), 0);
    const usdTotal = byChannel.filter((item) => item.currency === "USD").reduce((sum, item) => sum + item.cost, 0);
    expect(usdTotal).toBeCloseTo(usd, 9);

    const byDay = await usageOf(tenant.readKey, "groupBy=day");
    expect(byDay.map((item) => [item.key, item.messages, item.currency])).toEqual([
      ["2026-11-02", 2, "USD"],
      ["2026-11-03", 1, "EUR"],
      ["2026-11-03", 2, "USD"],
      ["2026-11-04", 1, null],
    ]);
    const byProvider = await usageOf(tenant.readKey, "groupBy=provider");
    expect(byProvider.find((item) => item.key === "prv_a")).toEqual({
      key: "prv_a",
      messages: 2,
      segments: 3,
      cost: 0.0237,
      currency: "USD",
    });
    expect(byProvider.find((item) => item.key === "none")).toMatchObject({ messages: 1, cost: 0 });
  });

  it("keeps to the range and to the tenant; only ops see other tenants or group by tenant", async () => {
    const first = await pricedTenant();
    const second = await pricedTenant();
    const narrow = expectSuccessEnvelope(
      await call<{ items: UsageItem[] }>("GET", "/v1/usage?from=2026-11-03T00:00:00Z&to=2026-11-04T00:00:00Z&groupBy=channel", {
        key: first.tenant.readKey,
      }),
    ).items;
    expect(narrow.reduce((sum, item) => sum + item.messages, 0)).toBe(3);

    expectErrorEnvelope(await call("GET", `/v1/usage?tenantId=${second.tenant.tenantId}`, { key: first.tenant.readKey }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("GET", "/v1/usage?groupBy=tenant", { key: first.tenant.readKey }), 400, "INVALID_INPUT");
    expectErrorEnvelope(await call("GET", "/v1/usage?groupBy=week", { key: first.tenant.readKey }), 400, "INVALID_INPUT");

    const perTenant = await usageOf(first.ops, "groupBy=tenant");
    for (const tenantId of [first.tenant.tenantId, second.tenant.tenantId])
      expect(perTenant.filter((item) => item.key === tenantId).reduce((sum, item) => sum + item.messages, 0)).toBe(6);
    const onlySecond = await usageOf(first.ops, `groupBy=channel&tenantId=${second.tenant.tenantId}`);
    expect(onlySecond.reduce((sum, item) => sum + item.messages, 0)).toBe(6);
  });
});

describe("segments and pricing at the API", () => {
  it("an accepted SMS records its segments; other channels none", async () => {
    const tenant = await createTenant(await createOpsKey());
    const long = expectSuccessEnvelope(await send(tenant.sendKey, sms({ content: { text: "a".repeat(161) } })), 202) as {
      segments: number;
    };
    expect(long.segments).toBe(2);
    const unicode = expectSuccessEnvelope(await send(tenant.sendKey, sms({ content: { text: "привет" } })), 202) as { segments: number };
    expect(unicode.segments).toBe(1);
    const mail = expectSuccessEnvelope(await send(tenant.sendKey, email()), 202) as { segments: number | null };
    expect(mail.segments).toBeNull();
  });

  it("a provider carries a unit price, shown, changed and removed through the API", async () => {
    const tenant = await createTenant(await createOpsKey());
    const body = {
      type: "system",
      name: "Priced",
      channel: "sms",
      config: {},
      pricing: { unit: "segment", amount: 0.0079, currency: "USD" },
    };
    const created = expectSuccessEnvelope(
      await call<{ id: string; pricing: unknown }>("POST", "/v1/providers", { key: tenant.adminKey, body }),
      201,
    );
    expect(created.pricing).toEqual(body.pricing);
    const changed = await call<{ pricing: unknown }>("PATCH", `/v1/providers/${created.id}`, {
      key: tenant.adminKey,
      body: { pricing: { unit: "message", amount: 0.01, currency: "EUR" } },
    });
    expect(expectSuccessEnvelope(changed).pricing).toEqual({ unit: "message", amount: 0.01, currency: "EUR" });
    const removed = await call<{ pricing: unknown }>("PATCH", `/v1/providers/${created.id}`, {
      key: tenant.adminKey,
      body: { pricing: null },
    });
    expect(expectSuccessEnvelope(removed).pricing).toBeNull();
    const invalid = await call("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { ...body, pricing: { unit: "segment", amount: 1, currency: "dollars" } },
    });
    expectErrorEnvelope(invalid, 400, "INVALID_INPUT");
  });
});
