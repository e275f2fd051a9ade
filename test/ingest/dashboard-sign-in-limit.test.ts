import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/ingest/app";

describe("dashboard sign-in rate limit", () => {
  it("the limiter is configured for the ingest worker", () => {
    expect(typeof env.SIGN_IN_RATE_LIMITER?.limit).toBe("function");
  });

  it("answers 429 with Retry-After once an address is over its limit, per address", async () => {
    const seen = new Map<string, number>();
    const SIGN_IN_RATE_LIMITER = {
      async limit({ key }: { key: string }) {
        seen.set(key, (seen.get(key) ?? 0) + 1);
        return { success: (seen.get(key) ?? 0) <= 2 };
      },
    } as unknown as RateLimit;
    const attempt = async (address: string) => {
      const ctx = createExecutionContext();
      const request = new Request("http://relay.test/dashboard/sign-in", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": address },
        body: "apiKey=rk_wrong&_csrf=x",
        // As through Cloudflare's edge, which sets request.cf and the address header.
        cf: {},
      });
      const response = await createApp().fetch(request, { ...env, SIGN_IN_RATE_LIMITER }, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };

    const first = await attempt("203.0.113.7");
    await attempt("203.0.113.7");
    const third = await attempt("203.0.113.7");
    const other = await attempt("198.51.100.9");

    expect(first.status).not.toBe(429);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("60");
    expect(await third.text()).toContain("Too many sign-in attempts");
    expect(other.status).not.toBe(429);
    expect([...seen.keys()]).toEqual(["sign-in:203.0.113.7", "sign-in:198.51.100.9"]);
  });
});
