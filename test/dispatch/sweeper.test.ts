import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sweep } from "../../workers/dispatch/sweeper";
import { db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const hoursAhead = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe("sweeper", () => {
  it("re-enqueues messages stuck in queued or sending, and leaves fresh or finished ones alone", async () => {
    const tenantId = await newTenant();
    const stuckQueued = await queuedMessage(tenantId, { createdAt: minutesAgo(20), updatedAt: minutesAgo(20) });
    const stuckSending = await queuedMessage(tenantId, { status: "sending", createdAt: minutesAgo(20), updatedAt: minutesAgo(10) });
    const fresh = await queuedMessage(tenantId);
    const done = await queuedMessage(tenantId, { status: "sent", createdAt: minutesAgo(20), updatedAt: minutesAgo(20) });

    const sent: unknown[] = [];
    const queue = { sendBatch: async (items: unknown[]) => void sent.push(...items), send: async () => undefined } as unknown as Queue;
    await sweep(db(), queue, 300);

    const swept = (sent as { body: { messageId: string } }[]).map((item) => item.body.messageId);
    expect(swept).toEqual(expect.arrayContaining([stuckQueued.id, stuckSending.id]));
    expect(swept).not.toContain(fresh.id);
    expect(swept).not.toContain(done.id);
    expect((await eventsOf(stuckQueued.id)).at(-1)?.reason).toContain("re-enqueued by the sweeper");
    expect((await messageRow(stuckQueued.id)).updatedAt > minutesAgo(1)).toBe(true);
  });

  it("releases a message scheduled beyond the queue's 12 h delay once it is within reach, once", async () => {
    const tenantId = await newTenant();
    const farAway = await queuedMessage(tenantId, { scheduledAt: hoursAhead(30) });
    const dueSoon = await queuedMessage(tenantId, {
      scheduledAt: hoursAhead(11),
      createdAt: minutesAgo(24 * 60),
      updatedAt: minutesAgo(24 * 60),
    });
    const sent: { body: { messageId: string }; delaySeconds: number }[] = [];
    const queue = { sendBatch: async (items: typeof sent) => void sent.push(...items) } as unknown as Queue;

    await sweep(db(), queue, 300);
    await sweep(db(), queue, 300);

    const released = sent.filter((item) => [farAway.id, dueSoon.id].includes(item.body.messageId));
    expect(released.map((item) => item.body.messageId)).toEqual([dueSoon.id]);
    expect(released[0].delaySeconds).toBeGreaterThan(10 * 3600);
    expect(released[0].delaySeconds).toBeLessThanOrEqual(11 * 3600);
    expect((await eventsOf(dueSoon.id)).at(-1)?.reason).toContain("released to the queue");
  });

  it("runs from the cron trigger against the real queue", async () => {
    const tenantId = await newTenant();
    const stuck = await queuedMessage(tenantId, { createdAt: minutesAgo(20), updatedAt: minutesAgo(20) });
    expect(await sweep(db(), env.DELIVERY_QUEUE, 300)).toBeGreaterThan(0);
    expect((await eventsOf(stuck.id)).some((e) => e.reason?.includes("sweeper"))).toBe(true);
  });
});

describe("expired idempotency keys", () => {
  it("are deleted by the cron; live ones stay", async () => {
    const { deleteExpiredIdempotencyKeys } = await import("../../workers/dispatch/expired-rows");
    const tenantId = await newTenant();
    const row = (key: string, expiresAt: string) =>
      env.DB.prepare(
        "INSERT INTO idempotency_keys (tenant_id, key, request_hash, response_status, response_body, created_at, expires_at) VALUES (?, ?, 'h', 202, '{}', ?, ?)",
      )
        .bind(tenantId, key, minutesAgo(24 * 60 + 5), expiresAt)
        .run();
    await row("old", minutesAgo(5));
    await row("live", new Date(Date.now() + 60_000).toISOString());

    expect(await deleteExpiredIdempotencyKeys(db())).toBeGreaterThanOrEqual(1);

    const left = await env.DB.prepare("SELECT key FROM idempotency_keys WHERE tenant_id = ?").bind(tenantId).all<{ key: string }>();
    expect(left.results.map((r) => r.key)).toEqual(["live"]);
  });
});
