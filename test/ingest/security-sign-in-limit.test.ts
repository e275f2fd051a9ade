import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/ingest/app";
import { clientBucket, SHARED_BUCKET } from "../../workers/ingest/dashboard/client-address";
import type { IngestEnv } from "../../workers/ingest/env";

const LIMIT = 30;

/** The Workers rate limiter's semantics (a fixed count per key), recording each key it is asked about. */
function countingLimiter(limit = LIMIT) {
  const counts = new Map<string, number>();
  const limiter = {
    async limit({ key }: { key: string }) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return { success: (counts.get(key) ?? 0) <= limit };
    },
  } as unknown as RateLimit;
  return { limiter, counts };
}

/** A wrong-key sign-in attempt; `edge: true` arrives as through Cloudflare (with `request.cf`). */
function attempt(address: string, edge: boolean): Request {
  return new Request("http://relay.test/dashboard/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": address },
    body: "apiKey=rk_wrong&_csrf=x",
    ...(edge ? { cf: {} } : {}),
  });
}

async function send(request: Request, bindings: Partial<IngestEnv>): Promise<number> {
  const ctx = createExecutionContext();
  const response = await createApp().fetch(request, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  await response.arrayBuffer();
  return response.status;
}

const randomAddress = () => `203.0.${crypto.getRandomValues(new Uint8Array(2)).join(".")}`;

describe("the sign-in limiter keys on what clients cannot choose (issue 9, finding 5)", () => {
  it("without the edge, rotating cf-connecting-ip does not escape the limit: every attempt shares one bucket", async () => {
    const { limiter, counts } = countingLimiter();
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push(await send(attempt(randomAddress(), false), { SIGN_IN_RATE_LIMITER: limiter }));
    expect(statuses.slice(0, LIMIT).every((status) => status !== 429)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);
    expect([...counts.keys()]).toEqual([`sign-in:${SHARED_BUCKET}`]);
  });

  it("where the local stack says no header can be trusted, even with request.cf, rotation shares one bucket", async () => {
    const { limiter, counts } = countingLimiter();
    for (let i = 0; i <= LIMIT; i++)
      await send(attempt(randomAddress(), true), { SIGN_IN_RATE_LIMITER: limiter, CLIENT_ADDRESS_HEADER: "none" });
    expect([...counts.entries()]).toEqual([[`sign-in:${SHARED_BUCKET}`, LIMIT + 1]]);
  });

  it("behind the edge, with the real limiter binding, one client over its limit does not lock another out", async () => {
    const noisy = randomAddress();
    // The binding counts in fixed one-minute windows: a window may turn mid-way, so allow two.
    const statuses: number[] = [];
    while (statuses.at(-1) !== 429 && statuses.length <= 2 * LIMIT) statuses.push(await send(attempt(noisy, true), {}));
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBeGreaterThan(LIMIT);
    expect(await send(attempt(randomAddress(), true), {})).toBe(403);
  });

  it("buckets an IPv6 client by its /64, which it usually holds whole", () => {
    const edge = (address: string) => clientBucket(attempt(address, true), {});
    expect(edge("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(edge("2001:0DB8:0001:0002:ffff:eeee:dddd:cccc")).toBe("2001:db8:1:2::/64");
    expect(edge("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(edge("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(edge("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(edge("192.0.2.7")).toBe("192.0.2.7");
  });

  it("a header that is no address, or none at all, falls back to the shared bucket", () => {
    for (const address of ["", "unknown", "999.1.1.1", "1:2:3", "1::2::3", "1.2.3.4, 5.6.7.8", "g::1"])
      expect(clientBucket(attempt(address, true), {})).toBe(SHARED_BUCKET);
    expect(clientBucket(new Request("http://relay.test/", { cf: {} }), {})).toBe(SHARED_BUCKET);
  });
});
