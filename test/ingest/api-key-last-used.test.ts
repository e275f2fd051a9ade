import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { recordKeyUse } from "../../workers/ingest/services/api-key-lookup";
import { callApp, createOpsKey, createTenant, expectSuccessEnvelope } from "../support/api";
import { countingD1 } from "../support/d1-counter";

type Key = { id: string; name: string; lastUsedAt: string | null };

async function keysOf(opsKey: string, tenantId: string): Promise<Key[]> {
  return expectSuccessEnvelope(await callApp<{ items: Key[] }>({}, "GET", `/v1/tenants/${tenantId}/api-keys`, { key: opsKey })).items;
}

describe("an API key's last use", () => {
  it("is recorded after a request the key authenticates, and shown by the API", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    expect((await keysOf(opsKey, tenant.tenantId)).find((key) => key.name === "read")?.lastUsedAt).toBeNull();
    const before = new Date().toISOString();
    expect((await callApp({}, "GET", "/v1/messages", { key: tenant.readKey })).status).toBe(200);
    const lastUsed = (await keysOf(opsKey, tenant.tenantId)).find((key) => key.name === "read")?.lastUsedAt ?? "";
    expect(lastUsed >= before).toBe(true);
  });

  it("costs at most one write a minute per key and isolate, never a write per request", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    await callApp({}, "GET", "/v1/messages", { key: tenant.readKey });
    const { db, counter } = countingD1(env.DB);
    for (let i = 0; i < 5; i++) expect((await callApp({ DB: db }, "GET", "/v1/messages", { key: tenant.readKey })).status).toBe(200);
    // Five list reads, no last-used write: the key was recorded by the first request.
    expect(counter.rowsWritten).toBe(0);

    const keyId = (await keysOf(opsKey, tenant.tenantId)).find((key) => key.name === "read")?.id ?? "";
    const now = Date.now();
    expect(recordKeyUse(database(env.DB), keyId, now + 30_000)).toBeNull();
    const aMinuteOn = recordKeyUse(database(env.DB), keyId, now + 61_000);
    expect(aMinuteOn).not.toBeNull();
    await aMinuteOn;
    const stored = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?").bind(keyId).first<{ last_used_at: string }>();
    expect(stored?.last_used_at).toBe(new Date(now + 61_000).toISOString());
  });
});
