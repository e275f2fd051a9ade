import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

describe("dispatch consumer", () => {
  it("sends a queued message through the tenant's primary and records its life", async () => {
    const tenantId = await newTenant();
    const primary = await addProvider({ tenantId });
    const message = await queuedMessage(tenantId);

    const result = await consume(batchOf([message]));

    const row = await messageRow(message.id);
    expect(row).toMatchObject({
      status: "sent",
      providerId: primary,
      providerMessageId: `sys_${message.id}`,
      attempts: 1,
      leaseExpiresAt: null,
    });
    expect(row.sentAt).not.toBeNull();
    expect((await eventsOf(message.id)).map((e) => e.status)).toEqual(["sending", "sent"]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
  });

  it("fails over from an unavailable primary to the secondary, with an event per attempt", async () => {
    const tenantId = await newTenant();
    const primary = await addProvider({ tenantId, priority: 0, config: { fail: "transient" } });
    const secondary = await addProvider({ tenantId, priority: 1 });
    const message = await queuedMessage(tenantId);

    await consume(batchOf([message]));

    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId: secondary });
    const events = await eventsOf(message.id);
    expect(events.map((e) => [e.status, e.providerId])).toEqual([
      ["sending", null],
      ["sending", primary],
      ["sent", secondary],
    ]);
    expect(events[1].reason).toContain("unavailable");
  });

  it("fails a rejected recipient at once: no failover, no retry", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId, priority: 0, config: { fail: "permanent" } });
    const secondary = await addProvider({ tenantId, priority: 1 });
    const message = await queuedMessage(tenantId);

    const result = await consume(batchOf([message]));

    const row = await messageRow(message.id);
    expect(row.status).toBe("failed");
    expect(row.lastError).toContain("system_permanent");
    expect((await eventsOf(message.id)).some((e) => e.providerId === secondary)).toBe(false);
    expect(result.retryMessages).toHaveLength(0);
    expect(result.explicitAcks).toHaveLength(1);
  });

  it("retries with backoff when every provider is unavailable", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId, priority: 0, config: { fail: "transient" } });
    await addProvider({ tenantId, priority: 1, config: { fail: "transient" } });
    const message = await queuedMessage(tenantId);

    const first = await consume(batchOf([message], "delivery", 1));
    const third = await consume(batchOf([message], "delivery", 3));

    expect(first.retryMessages).toHaveLength(1);
    expect(third.retryMessages).toHaveLength(1);
    const row = await messageRow(message.id);
    expect(row).toMatchObject({ status: "sending", attempts: 2, leaseExpiresAt: null });
    expect(row.lastError).toContain("every provider failed");
    const retryEvents = (await eventsOf(message.id)).filter((e) => e.reason?.includes("retrying in"));
    expect(retryEvents).toHaveLength(2);
  });

  it("uses the system defaults only when the tenant has no enabled provider for the channel", async () => {
    const tenantId = await newTenant();
    const disabled = await addProvider({ tenantId, channel: "push", enabled: false });
    const emailOnly = await addProvider({ tenantId, channel: "email" });
    const systemDefault = await addProvider({ tenantId: null, channel: "push" });
    const message = await queuedMessage(tenantId, { channel: "push", recipient: "device-token" });

    await consume(batchOf([message]));

    const row = await messageRow(message.id);
    expect(row.status).toBe("sent");
    expect(row.providerId).toBe(systemDefault);
    expect([disabled, emailOnly]).not.toContain(row.providerId);
  });

  it("does not send a canceled message, nor one already sent", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId });
    const canceled = await queuedMessage(tenantId, { status: "canceled" });
    const sent = await queuedMessage(tenantId, { status: "sent", providerMessageId: "earlier" });

    const result = await consume(batchOf([canceled, sent]));

    expect(result.explicitAcks).toHaveLength(2);
    expect((await messageRow(canceled.id)).status).toBe("canceled");
    expect((await messageRow(sent.id)).providerMessageId).toBe("earlier");
    expect(await eventsOf(canceled.id)).toHaveLength(0);
    expect(await eventsOf(sent.id)).toHaveLength(0);
  });

  it("sends a message delivered twice by the queue only once, even concurrently", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId });
    const message = await queuedMessage(tenantId);

    const [a, b] = await Promise.all([consume(batchOf([message])), consume(batchOf([message]))]);
    await consume(batchOf([message, message]));

    const sends = (await eventsOf(message.id)).filter((e) => e.status === "sent");
    expect(sends).toHaveLength(1);
    expect(a.retryMessages.length + b.retryMessages.length).toBe(0);
    expect((await messageRow(message.id)).attempts).toBe(1);
  });

  it("puts a message that arrives before its scheduled time back with a delay, unsent", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId });
    const message = await queuedMessage(tenantId, { scheduledAt: new Date(Date.now() + 3_600_000).toISOString() });

    const result = await consume(batchOf([message]));

    expect(result.explicitAcks).toHaveLength(1);
    expect((await messageRow(message.id)).status).toBe("queued");
  });

  it("a message whose provider config cannot be decrypted fails over, never crashes the batch", async () => {
    const tenantId = await newTenant();
    const broken = await addProvider({ tenantId, priority: 0 });
    const working = await addProvider({ tenantId, priority: 1 });
    await env.DB.prepare("UPDATE provider_configs SET encrypted_config = ? WHERE id = ?")
      .bind("AAAAAAAAAAAAAAAAAAAAAAAAAAAA", broken)
      .run();
    const message = await queuedMessage(tenantId);

    await consume(batchOf([message]));

    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId: working });
    const failed = (await eventsOf(message.id)).find((e) => e.providerId === broken);
    expect(failed?.reason).toContain("could not be decrypted");
  });
});

describe("a provider callback that arrives before dispatch records the send", () => {
  it("keeps the status the callback set and still fills in the delivery fields", async () => {
    const { outcomeWrites } = await import("../../workers/dispatch/outcome-writes");
    const tenantId = await newTenant();
    const providerId = await addProvider({ tenantId });
    const provider = await db().query.providerConfigs.findFirst({ where: (p, { eq }) => eq(p.id, providerId) });
    const message = await queuedMessage(tenantId, { status: "delivered", attempts: 1 });
    const fate = { kind: "sent" as const, provider: provider as NonNullable<typeof provider>, providerMessageId: "SM123", cost: 0.0075 };
    const delivery = { row: message, attempts: [], skipped: [], fate };

    const writes = outcomeWrites(db(), [{ delivery, delaySeconds: 0, requestId: "req_test" }], new Date().toISOString());
    await db().batch(writes as [(typeof writes)[number], ...typeof writes]);

    expect(await messageRow(message.id)).toMatchObject({ status: "delivered", providerId, providerMessageId: "SM123", cost: 0.0075 });
  });
});

describe("when D1 is unreachable", () => {
  it("retries the whole batch with a delay, sending nothing", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId });
    const message = await queuedMessage(tenantId);
    const down = {
      prepare: () => {
        throw new Error("D1 is down");
      },
      batch: async () => {
        throw new Error("D1 is down");
      },
    } as unknown as D1Database;

    const batch = batchOf([message]);
    const retryAll = vi.spyOn(batch, "retryAll");
    const result = await consume(batch, { ...env, DB: down });

    expect(result.retryBatch).toMatchObject({ retry: true });
    expect(retryAll.mock.calls[0]?.[0]?.delaySeconds).toBeGreaterThan(0);
    expect((await messageRow(message.id)).status).toBe("queued");
  });
});
