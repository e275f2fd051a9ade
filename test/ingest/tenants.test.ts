import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../shared/crypto/sha256";
import { call, createOpsKey, createTenant, expectErrorEnvelope, expectSuccessEnvelope, sms } from "../support/api";
import { expectInvalid } from "../support/checks";

type Tenant = { id: string; name: string; createdAt: string };
type ApiKey = {
  id: string;
  tenantId: string | null;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
};
type CreatedKey = ApiKey & { key: string };

const KEY_VIEW = ["createdAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes", "tenantId"];

async function issueKey(adminKey: string, tenantId: string, scopes: string[], name = "k"): Promise<CreatedKey> {
  return expectSuccessEnvelope(
    await call<CreatedKey>("POST", `/v1/tenants/${tenantId}/api-keys`, { key: adminKey, body: { name, scopes } }),
    201,
  );
}

async function keyIdByName(adminKey: string, tenantId: string, name: string): Promise<string> {
  const keys = expectSuccessEnvelope(await call<{ items: ApiKey[] }>("GET", `/v1/tenants/${tenantId}/api-keys`, { key: adminKey })).items;
  const found = keys.find((k) => k.name === name);
  if (!found) throw new Error(`no key named ${name}`);
  return found.id;
}

describe("POST /v1/tenants", () => {
  it("creates a tenant with an ops key", async () => {
    const ops = await createOpsKey();
    const answer = await call<Tenant>("POST", "/v1/tenants", { key: ops, body: { name: "  Globex  " } });
    const data = expectSuccessEnvelope(answer, 201);
    expect(Object.keys(data).sort()).toEqual(["createdAt", "id", "name", "quotas", "retentionDays"]);
    expect(data.id).toMatch(/^ten_[0-9A-Za-z]{21}$/);
    expect(data.name).toBe("Globex");
    expect(new Date(data.createdAt).toISOString()).toBe(data.createdAt);
    expect(expectSuccessEnvelope(await call<Tenant>("GET", `/v1/tenants/${data.id}`, { key: ops }))).toEqual(data);
  });

  it("is for ops only", async () => {
    const tenant = await createTenant(await createOpsKey());
    for (const key of [tenant.adminKey, tenant.sendKey, tenant.readKey])
      expectErrorEnvelope(await call("POST", "/v1/tenants", { key, body: { name: "Mine" } }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("POST", "/v1/tenants", { body: { name: "Anon" } }), 401, "UNAUTHORIZED");
  });

  it("validates the name", async () => {
    const ops = await createOpsKey();
    expectInvalid(await call("POST", "/v1/tenants", { key: ops, body: { name: "" } }), "name");
    expectInvalid(await call("POST", "/v1/tenants", { key: ops, body: { name: "    " } }), "name");
    expectInvalid(await call("POST", "/v1/tenants", { key: ops, body: { name: "x".repeat(101) } }), "name");
    expectInvalid(await call("POST", "/v1/tenants", { key: ops, body: {} }), "name");
    expectInvalid(await call("POST", "/v1/tenants", { key: ops, body: { name: "Ok", plan: "gold" } }));
    expectInvalid(await call("POST", "/v1/tenants", { key: ops, rawBody: "[" }));
  });
});

describe("GET /v1/tenants", () => {
  it("lists every tenant for ops", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/tenants?limit=100${cursor ? `&cursor=${cursor}` : ""}`;
      const data = expectSuccessEnvelope(await call<{ items: Tenant[]; nextCursor: string | null }>("GET", path, { key: ops }));
      ids.push(...data.items.map((t) => t.id));
      cursor = data.nextCursor;
    } while (cursor);
    expect(ids).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    expect(ids.indexOf(a.tenantId)).toBeLessThan(ids.indexOf(b.tenantId));
  });

  it("is for ops only", async () => {
    const tenant = await createTenant(await createOpsKey());
    for (const key of [tenant.adminKey, tenant.readKey]) expectErrorEnvelope(await call("GET", "/v1/tenants", { key }), 403, "FORBIDDEN");
  });
});

describe("GET /v1/tenants/:id", () => {
  it("shows a tenant itself, with a read or admin key", async () => {
    const tenant = await createTenant(await createOpsKey(), "Self");
    for (const key of [tenant.adminKey, tenant.readKey]) {
      const data = expectSuccessEnvelope(await call<Tenant>("GET", `/v1/tenants/${tenant.tenantId}`, { key }));
      expect(data).toMatchObject({ id: tenant.tenantId, name: "Self" });
    }
    expectErrorEnvelope(await call("GET", `/v1/tenants/${tenant.tenantId}`, { key: tenant.sendKey }), 403, "FORBIDDEN");
  });

  it("hides another tenant as if it did not exist", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const other = await call("GET", `/v1/tenants/${b.tenantId}`, { key: a.adminKey });
    const missing = await call("GET", "/v1/tenants/ten_doesnotexist000000000", { key: a.adminKey });
    expectErrorEnvelope(other, 404, "NOT_FOUND");
    expectErrorEnvelope(missing, 404, "NOT_FOUND");
    expect(other.body.error.message).toBe(missing.body.error.message);
    expectSuccessEnvelope(await call("GET", `/v1/tenants/${b.tenantId}`, { key: ops }));
  });
});

describe("API keys", () => {
  it("issues a key shown once, stored only as a hash", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const answer = await call<CreatedKey>("POST", `/v1/tenants/${tenant.tenantId}/api-keys`, {
      key: ops,
      body: { name: "  ci  ", scopes: ["send", "read"] },
    });
    const data = expectSuccessEnvelope(answer, 201);
    expect(Object.keys(data).sort()).toEqual([...KEY_VIEW, "key"].sort());
    expect(data).toMatchObject({ tenantId: tenant.tenantId, name: "ci", scopes: ["send", "read"], revokedAt: null });
    expect(data.id).toMatch(/^key_[0-9A-Za-z]{21}$/);
    expect(data.key).toMatch(/^rk_[0-9A-Za-z]{40}$/);
    expect(data.prefix).toBe(data.key.slice(0, 10));
    expect(JSON.stringify(answer.body)).not.toContain("keyHash");

    // Listed without the key or its hash.
    const list = await call<{ items: ApiKey[] }>("GET", `/v1/tenants/${tenant.tenantId}/api-keys`, { key: ops });
    const listed = expectSuccessEnvelope(list).items.find((k) => k.id === data.id);
    expect(listed).toBeDefined();
    expect(Object.keys(listed ?? {}).sort()).toEqual(KEY_VIEW);
    const { key: _secret, ...view } = data;
    expect(listed).toEqual(view);
    const listText = JSON.stringify(list.body);
    expect(listText).not.toContain(data.key);
    expect(listText).not.toContain(await sha256Hex(data.key));
    expect(listText).not.toContain("keyHash");

    // The raw row holds the hash, never the key.
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(data.id).first<Record<string, unknown>>();
    expect(row?.key_hash).toBe(await sha256Hex(data.key));
    for (const value of Object.values(row ?? {})) expect(String(value)).not.toContain(data.key);
  });

  it("lists a tenant's own keys only", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const keysA = expectSuccessEnvelope(
      await call<{ items: ApiKey[] }>("GET", `/v1/tenants/${a.tenantId}/api-keys`, { key: a.adminKey }),
    ).items;
    expect(keysA.map((k) => k.name).sort()).toEqual(["admin", "read", "send"]);
    expect(keysA.every((k) => k.tenantId === a.tenantId)).toBe(true);
    expectErrorEnvelope(await call("GET", `/v1/tenants/${b.tenantId}/api-keys`, { key: a.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("GET", `/v1/tenants/${a.tenantId}/api-keys`, { key: a.readKey }), 403, "FORBIDDEN");
  });

  it("lets a tenant's admin issue keys for its own tenant only", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const own = await issueKey(a.adminKey, a.tenantId, ["read"]);
    expect(own.tenantId).toBe(a.tenantId);
    expectErrorEnvelope(
      await call("POST", `/v1/tenants/${b.tenantId}/api-keys`, { key: a.adminKey, body: { name: "x", scopes: ["admin"] } }),
      404,
      "NOT_FOUND",
    );
    expectErrorEnvelope(
      await call("POST", `/v1/tenants/${a.tenantId}/api-keys`, { key: a.sendKey, body: { name: "x", scopes: ["send"] } }),
      403,
      "FORBIDDEN",
    );
    const namesB = expectSuccessEnvelope(
      await call<{ items: ApiKey[] }>("GET", `/v1/tenants/${b.tenantId}/api-keys`, { key: ops }),
    ).items.map((k) => k.name);
    expect(namesB.sort()).toEqual(["admin", "read", "send"]);
  });

  it("answers 404 issuing a key for an unknown tenant", async () => {
    const ops = await createOpsKey();
    expectErrorEnvelope(
      await call("POST", "/v1/tenants/ten_doesnotexist000000000/api-keys", { key: ops, body: { name: "x", scopes: ["send"] } }),
      404,
      "NOT_FOUND",
    );
  });

  it("validates scopes and name", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const post = (body: unknown) => call("POST", `/v1/tenants/${tenant.tenantId}/api-keys`, { key: ops, body });
    expectInvalid(await post({ name: "x", scopes: [] }), "scopes");
    expectInvalid(await post({ name: "x", scopes: ["superuser"] }), "scopes.0");
    expectInvalid(await post({ name: "x", scopes: "admin" }), "scopes");
    expectInvalid(await post({ name: "x" }), "scopes");
    expectInvalid(await post({ name: "", scopes: ["send"] }), "name");
    expectInvalid(await post({ name: "x", scopes: ["send"], tenantId: null }));
    const keys = expectSuccessEnvelope(
      await call<{ items: ApiKey[] }>("GET", `/v1/tenants/${tenant.tenantId}/api-keys`, { key: ops }),
    ).items;
    expect(keys).toHaveLength(3);
  });

  it("stores repeated scopes once", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    expect((await issueKey(ops, tenant.tenantId, ["read", "read"])).scopes).toEqual(["read"]);
  });

  it("gives a new key exactly its scopes", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const readOnly = (await issueKey(ops, tenant.tenantId, ["read"])).key;
    const sendOnly = (await issueKey(ops, tenant.tenantId, ["send"])).key;
    const both = (await issueKey(ops, tenant.tenantId, ["send", "read"])).key;

    expectSuccessEnvelope(await call("GET", "/v1/messages", { key: readOnly }));
    expectErrorEnvelope(await call("POST", "/v1/messages", { key: readOnly, body: sms() }), 403, "FORBIDDEN");

    const sent = expectSuccessEnvelope(
      await call<{ id: string; tenantId: string }>("POST", "/v1/messages", { key: sendOnly, body: sms() }),
      202,
    );
    expect(sent.tenantId).toBe(tenant.tenantId);
    expectErrorEnvelope(await call("GET", "/v1/messages", { key: sendOnly }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("GET", `/v1/messages/${sent.id}`, { key: sendOnly }), 403, "FORBIDDEN");

    expectSuccessEnvelope(await call("POST", "/v1/messages", { key: both, body: sms() }), 202);
    expect(expectSuccessEnvelope(await call<{ id: string }>("GET", `/v1/messages/${sent.id}`, { key: both })).id).toBe(sent.id);

    for (const key of [readOnly, sendOnly, both]) {
      expectErrorEnvelope(await call("GET", "/v1/providers", { key }), 403, "FORBIDDEN");
      expectErrorEnvelope(await call("GET", "/v1/dead-letters", { key }), 403, "FORBIDDEN");
      expectErrorEnvelope(
        await call("POST", `/v1/tenants/${tenant.tenantId}/api-keys`, { key, body: { name: "x", scopes: ["admin"] } }),
        403,
        "FORBIDDEN",
      );
    }
  });

  it("a new tenant admin key acts for its tenant", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const admin = (await issueKey(ops, tenant.tenantId, ["admin"])).key;
    expectSuccessEnvelope(await call("GET", "/v1/providers", { key: admin }));
    const sent = expectSuccessEnvelope(await call<{ tenantId: string }>("POST", "/v1/messages", { key: admin, body: sms() }), 202);
    expect(sent.tenantId).toBe(tenant.tenantId);
    expectErrorEnvelope(await call("GET", "/v1/tenants", { key: admin }), 403, "FORBIDDEN");
  });
});

describe("DELETE /v1/api-keys/:id", () => {
  it("revokes a key: it then gets 401", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const issued = await issueKey(tenant.adminKey, tenant.tenantId, ["read"]);
    expectSuccessEnvelope(await call("GET", "/v1/messages", { key: issued.key }));

    const answer = await call<ApiKey>("DELETE", `/v1/api-keys/${issued.id}`, { key: tenant.adminKey });
    const data = expectSuccessEnvelope(answer);
    expect(Object.keys(data).sort()).toEqual(KEY_VIEW);
    expect(data.id).toBe(issued.id);
    expect(data.revokedAt).toEqual(expect.any(String));
    expect(JSON.stringify(answer.body)).not.toContain(issued.key);

    const refused = await call("GET", "/v1/messages", { key: issued.key });
    expectErrorEnvelope(refused, 401, "UNAUTHORIZED");
    expectErrorEnvelope(await call("GET", `/v1/tenants/${tenant.tenantId}`, { key: issued.key }), 401, "UNAUTHORIZED");

    const keys = expectSuccessEnvelope(
      await call<{ items: ApiKey[] }>("GET", `/v1/tenants/${tenant.tenantId}/api-keys`, { key: tenant.adminKey }),
    ).items;
    expect(keys.find((k) => k.id === issued.id)?.revokedAt).toBe(data.revokedAt);
    // The other keys are untouched.
    expectSuccessEnvelope(await call("GET", "/v1/messages", { key: tenant.readKey }));
  });

  it("revoking again changes nothing", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const issued = await issueKey(ops, tenant.tenantId, ["send"]);
    const first = expectSuccessEnvelope(await call<ApiKey>("DELETE", `/v1/api-keys/${issued.id}`, { key: ops }));
    const second = expectSuccessEnvelope(await call<ApiKey>("DELETE", `/v1/api-keys/${issued.id}`, { key: ops }));
    expect(second.revokedAt).toBe(first.revokedAt);
    expectErrorEnvelope(await call("POST", "/v1/messages", { key: issued.key, body: sms() }), 401, "UNAUTHORIZED");
  });

  it("a key cannot revoke itself", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const adminId = await keyIdByName(tenant.adminKey, tenant.tenantId, "admin");
    expectErrorEnvelope(await call("DELETE", `/v1/api-keys/${adminId}`, { key: tenant.adminKey }), 409, "CONFLICT");
    expectSuccessEnvelope(await call("GET", "/v1/providers", { key: tenant.adminKey }));
  });

  it("tenant A's admin cannot revoke tenant B's key", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const bReadId = await keyIdByName(b.adminKey, b.tenantId, "read");
    const answer = await call("DELETE", `/v1/api-keys/${bReadId}`, { key: a.adminKey });
    expectErrorEnvelope(answer, 404, "NOT_FOUND");
    expectSuccessEnvelope(await call("GET", "/v1/messages", { key: b.readKey }));
    const keys = expectSuccessEnvelope(
      await call<{ items: ApiKey[] }>("GET", `/v1/tenants/${b.tenantId}/api-keys`, { key: b.adminKey }),
    ).items;
    expect(keys.find((k) => k.id === bReadId)?.revokedAt).toBeNull();
  });

  it("an ops key revokes any tenant's key; a tenant cannot revoke an ops key", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const sendId = await keyIdByName(tenant.adminKey, tenant.tenantId, "send");
    expectSuccessEnvelope(await call("DELETE", `/v1/api-keys/${sendId}`, { key: ops }));
    expectErrorEnvelope(await call("POST", "/v1/messages", { key: tenant.sendKey, body: sms() }), 401, "UNAUTHORIZED");

    const otherOps = await createOpsKey();
    const otherOpsRow = await env.DB.prepare("SELECT id FROM api_keys WHERE key_hash = ?")
      .bind(await sha256Hex(otherOps))
      .first<{ id: string }>();
    expectErrorEnvelope(await call("DELETE", `/v1/api-keys/${otherOpsRow?.id}`, { key: tenant.adminKey }), 404, "NOT_FOUND");
    expectSuccessEnvelope(await call("GET", "/v1/tenants", { key: otherOps }));
  });

  it("needs the admin scope and a known id", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const readId = await keyIdByName(tenant.adminKey, tenant.tenantId, "read");
    expectErrorEnvelope(await call("DELETE", `/v1/api-keys/${readId}`, { key: tenant.sendKey }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("DELETE", "/v1/api-keys/key_doesnotexist000000000", { key: tenant.adminKey }), 404, "NOT_FOUND");
    expectSuccessEnvelope(await call("GET", "/v1/messages", { key: tenant.readKey }));
  });
});

describe("list pages (limit and cursor)", () => {
  it("pages through tenants oldest first with no gaps or repeats, and refuses a forged cursor", async () => {
    const ops = await createOpsKey();
    const mine = [await createTenant(ops, "page-a"), await createTenant(ops, "page-b"), await createTenant(ops, "page-c")].map(
      (t) => t.tenantId,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/tenants?limit=7${cursor ? `&cursor=${cursor}` : ""}`;
      const page = expectSuccessEnvelope(await call<{ items: Tenant[]; nextCursor: string | null }>("GET", path, { key: ops }));
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => mine.includes(id))).toEqual(mine);
    expectErrorEnvelope(await call("GET", `/v1/tenants?cursor=${btoa("o:-1")}`, { key: ops }), 400, "INVALID_INPUT");
    expectErrorEnvelope(await call("GET", "/v1/tenants?limit=101", { key: ops }), 400, "INVALID_INPUT");
  });

  it("pages a tenant's API keys and providers the same way", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const first = expectSuccessEnvelope(
      await call<{ items: { id: string }[]; nextCursor: string | null }>("GET", `/v1/tenants/${tenant.tenantId}/api-keys?limit=2`, {
        key: ops,
      }),
    );
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const rest = expectSuccessEnvelope(
      await call<{ items: { id: string }[]; nextCursor: string | null }>(
        "GET",
        `/v1/tenants/${tenant.tenantId}/api-keys?limit=2&cursor=${first.nextCursor}`,
        {
          key: ops,
        },
      ),
    );
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    const providers = await call("GET", "/v1/providers?limit=10", { key: tenant.adminKey });
    expect(providers.status).toBe(200);
  });
});
