import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../shared/domain/ids";
import type { ReportedOutcome } from "../../shared/providers/guard-contract";
import { ProviderGuard } from "../../workers/dispatch/provider-guard";
import { addProvider, batchOf, consume, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

const settings = { failureThreshold: 3, cooldownSeconds: 30 };
const guard = () => env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(newId("provider")));
const down = (error = "http_503: down"): ReportedOutcome => ({ kind: "unavailable", latencyMs: 40, error });
const up: ReportedOutcome = { kind: "sent", latencyMs: 20 };

describe("provider guard: circuit breaker", () => {
  it("opens after N consecutive failures, skips, half-opens with one probe, and closes on success", async () => {
    const g = guard();
    const t0 = Date.now();
    expect(await g.report([down(), down()], settings, t0)).toBe("closed");
    expect(await g.report([up, down(), down()], settings, t0)).toBe("closed");
    expect(await g.report([down()], settings, t0)).toBe("open");

    expect(await g.reserve(10, settings, t0 + 1_000)).toMatchObject({ granted: 0, state: "open", retryAfterSeconds: 29 });

    const probe = await g.reserve(10, settings, t0 + 31_000);
    expect(probe).toMatchObject({ granted: 1, state: "half-open" });
    expect((await g.reserve(10, settings, t0 + 31_500)).granted).toBe(0);

    expect(await g.report([up], settings, t0 + 32_000)).toBe("closed");
    expect((await g.reserve(10, settings, t0 + 32_500)).granted).toBe(10);
  });

  it("re-opens when the half-open probe fails", async () => {
    const g = guard();
    const t0 = Date.now();
    await g.report([down(), down(), down()], settings, t0);
    expect((await g.reserve(5, settings, t0 + 31_000)).granted).toBe(1);
    expect(await g.report([down()], settings, t0 + 31_100)).toBe("open");
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
    expect(status).toMatchObject({ state: "open" });
    expect(status.buckets.at(-1)).toMatchObject({ unavailable: 5, sent: 0 });
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

describe("provider guard: health that survives a restart", () => {
  it("counts sent, rejected, unavailable and timed-out sends apart, with latency, in 10-minute buckets", async () => {
    const g = guard();
    const t0 = Date.UTC(2026, 0, 1, 12, 5);
    await g.report(
      [up, { kind: "rejected", latencyMs: 30, error: "invalid_number" }, down(), { kind: "timeout", latencyMs: 900 }],
      settings,
      t0,
    );
    await g.report([up], settings, t0 + 11 * 60_000);
    const status = await g.status(settings, t0 + 12 * 60_000);
    expect(status.buckets).toHaveLength(144);
    expect(status.buckets.at(-2)).toEqual({
      start: "2026-01-01T12:00:00.000Z",
      sent: 1,
      rejected: 1,
      unavailable: 1,
      timeouts: 1,
      latencyMsTotal: 990,
      latencyMsMax: 900,
    });
    expect(status.buckets.at(-1)).toMatchObject({ start: "2026-01-01T12:10:00.000Z", sent: 1, rejected: 0 });
    // A day later the old buckets are out of the window and deleted from storage.
    await g.report([up], settings, t0 + 25 * 60 * 60_000);
    const later = await g.status(settings, t0 + 25 * 60 * 60_000);
    expect(later.buckets.reduce((n, b) => n + b.sent + b.rejected, 0)).toBe(1);
    const keys = await runInDurableObject(g, (_instance, state) => state.storage.list({ prefix: "health:" }));
    expect(keys.size).toBe(1);
  });

  it("records why the circuit opened, each probe and the close, and a fresh object over the same storage sees it all", async () => {
    const g = guard();
    const t0 = Date.now();
    await g.report([down("http_500: boom"), down("timeout: slow"), down("network_error: refused")], settings, t0);
    await g.reserve(1, settings, t0 + 31_000);
    await g.report([up], settings, t0 + 31_500);

    // What a restart after eviction sees: a new instance, only the object's storage.
    const restarted = await runInDurableObject(g, async (_instance, state) => {
      const fresh = new ProviderGuard(state, env);
      await state.blockConcurrencyWhile(async () => {}); // after the constructor's load
      return fresh.status(settings, t0 + 32_000);
    });
    expect(restarted.history.map((h) => h.event)).toEqual(["closed", "probe", "opened"]);
    expect(restarted.history[2].reason).toBe("3 consecutive failures; last error: network_error: refused");
    expect(restarted.history[0].reason).toBe("the half-open probe succeeded");
    expect(restarted.buckets.reduce((n, b) => n + b.unavailable, 0)).toBe(3);
    expect(restarted.buckets.reduce((n, b) => n + b.sent, 0)).toBe(1);
  });

  it("a failed probe re-opens the circuit and says so", async () => {
    const g = guard();
    const t0 = Date.now();
    await g.report([down(), down(), down()], settings, t0);
    await g.reserve(1, settings, t0 + 31_000);
    await g.report([down("http_502: bad gateway")], settings, t0 + 31_100);
    const status = await g.status(settings, t0 + 31_200);
    expect(status).toMatchObject({ state: "open", openedAt: new Date(t0 + 31_100).toISOString() });
    expect(status.history[0]).toMatchObject({ event: "opened", reason: "the half-open probe failed; last error: http_502: bad gateway" });
  });

  it("the consumer reports rejections as rejections, not successes", async () => {
    const tenantId = await newTenant();
    const bouncing = await addProvider({ tenantId, priority: 0, config: { fail: "permanent" } });
    const messages = [];
    for (let i = 0; i < 3; i++) messages.push(await queuedMessage(tenantId));
    await consume(batchOf(messages));
    const status = await env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(bouncing)).status(settings);
    expect(status.buckets.at(-1)).toMatchObject({ sent: 0, rejected: 3, unavailable: 0 });
    expect(status.state).toBe("closed");
  });

  it("the consumer reports a timeout as a timeout", async () => {
    const tenantId = await newTenant();
    const slow = await addProvider({ tenantId, priority: 0, config: { latencyMs: 5_000 } });
    const message = await queuedMessage(tenantId);
    await consume(batchOf([message]), { ...env, SEND_TIMEOUT_MS: "50" });
    const status = await env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(slow)).status(settings);
    expect(status.buckets.at(-1)).toMatchObject({ sent: 0, timeouts: 1, unavailable: 0 });
    expect(status.buckets.at(-1)?.latencyMsTotal).toBeGreaterThanOrEqual(50);
  });
});
