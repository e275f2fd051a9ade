import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../shared/domain/ids";
import { addProvider, batchOf, consume, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

const settings = { failureThreshold: 3, cooldownSeconds: 30 };
const guard = () => env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(newId("provider")));

describe("provider guard: circuit breaker", () => {
  it("opens after N consecutive failures, skips, half-opens with one probe, and closes on success", async () => {
    const g = guard();
    const t0 = Date.now();
    expect(await g.report([true, true], settings, t0)).toBe("closed");
    expect(await g.report([false, true, true], settings, t0)).toBe("closed");
    expect(await g.report([true], settings, t0)).toBe("open");

    expect(await g.reserve(10, settings, t0 + 1_000)).toMatchObject({ granted: 0, state: "open", retryAfterSeconds: 29 });

    const probe = await g.reserve(10, settings, t0 + 31_000);
    expect(probe).toMatchObject({ granted: 1, state: "half-open" });
    expect((await g.reserve(10, settings, t0 + 31_500)).granted).toBe(0);

    expect(await g.report([false], settings, t0 + 32_000)).toBe("closed");
    expect((await g.reserve(10, settings, t0 + 32_500)).granted).toBe(10);
  });

  it("re-opens when the half-open probe fails", async () => {
    const g = guard();
    const t0 = Date.now();
    await g.report([true, true, true], settings, t0);
    expect((await g.reserve(5, settings, t0 + 31_000)).granted).toBe(1);
    expect(await g.report([true], settings, t0 + 31_100)).toBe("open");
    expect((await g.reserve(5, settings, t0 + 40_000)).granted).toBe(0);
  });

  it("is shared: the consumer skips a provider whose circuit is open", async () => {
    const tenantId = await newTenant();
    const flaky = await addProvider({ tenantId, priority: 0, config: { fail: "transient" } });
    const healthy = await addProvider({ tenantId, priority: 1 });
    const messages = [];
    for (let i = 0; i < 6; i++) messages.push(await queuedMessage(tenantId));

    await consume(batchOf(messages.slice(0, 5)));
    const later = messages[5];
    await consume(batchOf([later]));

    expect(await messageRow(later.id)).toMatchObject({ status: "sent", providerId: healthy });
    expect((await eventsOf(later.id)).some((e) => e.providerId === flaky)).toBe(false);
    const status = await env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(flaky)).status({ failureThreshold: 5, cooldownSeconds: 30 });
    expect(status).toMatchObject({ state: "open", recentFailures: 5 });
  });
});

describe("provider guard: TPS limit", () => {
  it("grants at most tpsLimit per second and refills over time", async () => {
    const g = guard();
    const t0 = Date.now();
    const limited = { ...settings, tpsLimit: 4 };
    expect(await g.reserve(10, limited, t0)).toMatchObject({ granted: 4, retryAfterSeconds: 2 });
    expect((await g.reserve(10, limited, t0)).granted).toBe(0);
    expect((await g.reserve(10, limited, t0 + 500)).granted).toBe(2);
    expect((await g.reserve(10, limited, t0 + 5_000)).granted).toBe(4);
  });

  it("holds in the consumer: messages over the limit wait, unsent and not failed over", async () => {
    const tenantId = await newTenant();
    const limited = await addProvider({ tenantId, priority: 0, metadata: { tpsLimit: 2 } });
    const other = await addProvider({ tenantId, priority: 1 });
    const messages = [];
    for (let i = 0; i < 5; i++) messages.push(await queuedMessage(tenantId));

    const result = await consume(batchOf(messages));

    const rows = await Promise.all(messages.map((m) => messageRow(m.id)));
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(2);
    expect(rows.every((r) => r.providerId !== other)).toBe(true);
    const waiting = rows.filter((r) => r.status !== "sent");
    expect(waiting).toHaveLength(3);
    for (const row of waiting) expect(row).toMatchObject({ status: "sending", leaseExpiresAt: null });
    expect(result.retryMessages).toHaveLength(0);
    expect(result.explicitAcks).toHaveLength(5);
    expect((await eventsOf(waiting[0].id)).at(-1)?.reason).toContain("TPS limit");
    expect(rows.filter((r) => r.providerId === limited)).toHaveLength(2);
  });
});
