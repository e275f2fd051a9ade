import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callApp, createOpsKey, createTenant, expectErrorEnvelope, sms } from "../support/api";

/** A limiter that lets `allowed` requests of each key through, then refuses. */
function limiter(allowed: number) {
  const seen = new Map<string, number>();
  return {
    keys: seen,
    async limit({ key }: { key: string }) {
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return { success: (seen.get(key) ?? 0) <= allowed };
    },
  };
}

describe("rate limit per API key", () => {
  it("the binding is configured for the ingest worker", () => {
    expect(typeof env.API_RATE_LIMITER?.limit).toBe("function");
  });

  it("answers 429 RATE_LIMITED with Retry-After once a key is over its limit, and writes nothing", async () => {
    const tenant = await createTenant(await createOpsKey());
    const API_RATE_LIMITER = limiter(1);
    const first = await callApp({ API_RATE_LIMITER }, "POST", "/v1/messages", { key: tenant.sendKey, body: sms() });
    expect(first.status).toBe(202);

    const second = await callApp({ API_RATE_LIMITER }, "POST", "/v1/messages", { key: tenant.sendKey, body: sms() });
    expectErrorEnvelope(second, 429, "RATE_LIMITED");
    expect(second.headers.get("retry-after")).toBe("10");
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ?")
      .bind(tenant.tenantId)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);

    // Limits are per key: the tenant's other key is not affected.
    expect((await callApp({ API_RATE_LIMITER }, "GET", "/v1/messages", { key: tenant.readKey })).status).toBe(200);
    expect(API_RATE_LIMITER.keys.size).toBe(2);
  });
});
