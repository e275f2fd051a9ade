import { describe, expect, it } from "vitest";
import {
  call,
  countRows,
  createOpsKey,
  createTenant,
  detailPaths,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
} from "../support/api";

type Rule = {
  id: string;
  tenantId: string;
  kind: string;
  threshold: number;
  minAttempts: number | null;
  windowMinutes: number;
  cooldownMinutes: number;
  providerId: string | null;
  notify: { channel: string; to: string };
  state: string;
  enabled: boolean;
};

const path = "/v1/alert-rules";
const deadLetterRule = (overrides: Record<string, unknown> = {}) => ({
  name: "dead letters piling up",
  kind: "dead-letters",
  threshold: 10,
  notify: { channel: "email", to: "oncall@example.com" },
  ...overrides,
});

async function addProvider(key: string, body: Record<string, unknown> = {}) {
  const answer = await call<{ id: string }>("POST", "/v1/providers", {
    key,
    body: { type: "system", name: "SMS", channel: "sms", config: {}, ...body },
  });
  return expectSuccessEnvelope(answer, 201).id;
}

describe("POST /v1/alert-rules", () => {
  it("creates a dead-letter rule with its defaults, and a provider rule whose SMS number is normalised", async () => {
    const tenant = await freshTenant();
    const rule = expectSuccessEnvelope(await call<Rule>("POST", path, { key: tenant.adminKey, body: deadLetterRule() }), 201);
    expect(rule).toMatchObject({
      tenantId: tenant.tenantId,
      kind: "dead-letters",
      threshold: 10,
      windowMinutes: 60,
      cooldownMinutes: 60,
      minAttempts: null,
      providerId: null,
      notify: { channel: "email", to: "oncall@example.com" },
      state: "ok",
      enabled: true,
    });
    expect(rule.id).toMatch(/^alr_/);

    const providerId = await addProvider(tenant.adminKey);
    const body = {
      name: "sms failing",
      kind: "provider-failures",
      providerId,
      threshold: 25,
      windowMinutes: 30,
      notify: { channel: "sms", to: "+1 415 555 0100" },
    };
    const providerRule = expectSuccessEnvelope(await call<Rule>("POST", path, { key: tenant.adminKey, body }), 201);
    expect(providerRule).toMatchObject({ providerId, minAttempts: 10, notify: { channel: "sms", to: "+14155550100" } });

    const listed = expectSuccessEnvelope(await call<{ items: Rule[] }>("GET", path, { key: tenant.adminKey }));
    expect(listed.items.map((item) => item.id)).toEqual([rule.id, providerRule.id]);
    expect(await countRows("audit_log", "action = 'alert-rule.create' AND tenant_id = ?", tenant.tenantId)).toBe(2);
  });

  it.each([
    ["a bad email address", deadLetterRule({ notify: { channel: "email", to: "not-an-address" } }), "notify.to"],
    ["a phone number with an extension", deadLetterRule({ notify: { channel: "sms", to: "+14155550100 ext 5" } }), "notify.to"],
    ["a push channel", deadLetterRule({ notify: { channel: "push", to: "dev_1" } }), "notify.channel"],
    ["a provider rule without its provider", deadLetterRule({ kind: "provider-failures", threshold: 50 }), "providerId"],
    ["a failure rate over 100 %", deadLetterRule({ kind: "provider-failures", providerId: "prv_x", threshold: 150 }), "threshold"],
    ["a dead-letter rule naming a provider", deadLetterRule({ providerId: "prv_x" }), "providerId"],
    ["a window under 10 minutes", deadLetterRule({ windowMinutes: 5 }), "windowMinutes"],
    ["a cool-down over a week", deadLetterRule({ cooldownMinutes: 20_000 }), "cooldownMinutes"],
    ["a zero threshold", deadLetterRule({ threshold: 0 }), "threshold"],
    ["an unknown field", deadLetterRule({ severity: "high" }), "severity"],
  ])("refuses %s with 400 naming the field", async (_what, body, field) => {
    const tenant = await freshTenant();
    const answer = await call("POST", path, { key: tenant.adminKey, body });
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    expect(detailPaths(answer)).toContain(field);
    expect(await countRows("alert_rules", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("refuses to watch another tenant's provider, as if it did not exist", async () => {
    const ops = await createOpsKey();
    const mine = await createTenant(ops, "Mine");
    const theirs = await createTenant(ops, "Theirs");
    const theirProvider = await addProvider(theirs.adminKey);
    const body = deadLetterRule({ kind: "provider-failures", providerId: theirProvider, threshold: 50 });
    const answer = await call("POST", path, { key: mine.adminKey, body });
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    expect(detailPaths(answer)).toEqual(["providerId"]);
  });

  it("makes an ops key name the tenant, and needs the admin scope", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    expect(detailPaths(await call("POST", path, { key: ops, body: deadLetterRule() }))).toEqual(["tenantId"]);
    const rule = expectSuccessEnvelope(
      await call<Rule>("POST", path, { key: ops, body: deadLetterRule({ tenantId: tenant.tenantId }) }),
      201,
    );
    expect(rule.tenantId).toBe(tenant.tenantId);
    expectErrorEnvelope(await call("POST", path, { key: tenant.sendKey, body: deadLetterRule() }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("GET", path, { key: tenant.readKey }), 403, "FORBIDDEN");
  });
});

describe("an alert rule by id", () => {
  it("changes, disables and deletes; the kind's rules hold on a change too", async () => {
    const tenant = await freshTenant();
    const rule = expectSuccessEnvelope(await call<Rule>("POST", path, { key: tenant.adminKey, body: deadLetterRule() }), 201);
    const changed = expectSuccessEnvelope(
      await call<Rule>("PATCH", `${path}/${rule.id}`, {
        key: tenant.adminKey,
        body: { threshold: 3, enabled: false, notify: { channel: "webhook", to: "ops-pager" } },
      }),
    );
    expect(changed).toMatchObject({ threshold: 3, enabled: false, notify: { channel: "webhook", to: "ops-pager" }, kind: "dead-letters" });
    const refused = await call("PATCH", `${path}/${rule.id}`, { key: tenant.adminKey, body: { minAttempts: 4 } });
    expectErrorEnvelope(refused, 400, "INVALID_INPUT");
    expect(detailPaths(refused)).toEqual(["minAttempts"]);
    expectErrorEnvelope(
      await call("PATCH", `${path}/${rule.id}`, { key: tenant.adminKey, body: { kind: "provider-failures" } }),
      400,
      "INVALID_INPUT",
    );

    expectSuccessEnvelope(await call("DELETE", `${path}/${rule.id}`, { key: tenant.adminKey }));
    expectErrorEnvelope(await call("GET", `${path}/${rule.id}`, { key: tenant.adminKey }), 404, "NOT_FOUND");
    const actions = await countRows("audit_log", "target = ? AND action IN ('alert-rule.update', 'alert-rule.delete')", rule.id);
    expect(actions).toBe(2);
  });

  it("is not found for another tenant's key, whatever the method", async () => {
    const ops = await createOpsKey();
    const owner = await createTenant(ops, "Owner");
    const other = await createTenant(ops, "Other");
    const rule = expectSuccessEnvelope(await call<Rule>("POST", path, { key: owner.adminKey, body: deadLetterRule() }), 201);
    expectErrorEnvelope(await call("GET", `${path}/${rule.id}`, { key: other.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("PATCH", `${path}/${rule.id}`, { key: other.adminKey, body: { threshold: 1 } }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("DELETE", `${path}/${rule.id}`, { key: other.adminKey }), 404, "NOT_FOUND");
    const listed = expectSuccessEnvelope(await call<{ items: Rule[] }>("GET", path, { key: other.adminKey }));
    expect(listed.items).toEqual([]);
    expect(expectSuccessEnvelope(await call<Rule>("GET", `${path}/${rule.id}`, { key: owner.adminKey })).threshold).toBe(10);
    expect(expectSuccessEnvelope(await call<Rule>("GET", `${path}/${rule.id}`, { key: ops })).tenantId).toBe(owner.tenantId);
  });
});
