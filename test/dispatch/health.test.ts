import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealCanary } from "../../shared/crypto/secret-canary";
import { dispatchFetch } from "../../workers/dispatch/health";

type HealthAnswer = { success: boolean; data?: { status: string }; error?: { code: string; details?: { path: string }[] } };

async function health(bindings: Partial<typeof env> = {}) {
  const response = await dispatchFetch(new Request("http://dispatch.test/health"), { ...env, ...bindings });
  return { status: response.status, body: (await response.json()) as HealthAnswer };
}

describe("dispatch GET /health", () => {
  it("is ok when the secret opens the deploy canary", async () => {
    const answer = await health({ ENCRYPTION_CANARY: await sealCanary(env.ENCRYPTION_SECRET) });
    expect(answer.status).toBe(200);
    expect(answer.body.data?.status).toBe("ok");
  });

  it("answers 503 naming `secrets` when this worker's secret differs from the one that sealed the canary", async () => {
    const canary = await sealCanary(env.ENCRYPTION_SECRET);
    const answer = await health({ ENCRYPTION_SECRET: `other-${crypto.randomUUID()}`, ENCRYPTION_CANARY: canary });
    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe("SERVICE_UNAVAILABLE");
    expect(answer.body.error?.details?.map((d) => d.path)).toEqual(["secrets"]);
  });

  it("answers 404 for anything else", async () => {
    expect((await dispatchFetch(new Request("http://dispatch.test/"), env)).status).toBe(404);
  });
});
