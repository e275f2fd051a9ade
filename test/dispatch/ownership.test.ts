import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { outcomeWrites } from "../../workers/dispatch/outcome-writes";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

const inAMinute = () => new Date(Date.now() + 60_000).toISOString();

describe("a consumer writes only what it still owns", () => {
  it("an outcome whose lease was taken over by another consumer changes nothing and claims nothing", async () => {
    const tenantId = await newTenant();
    const message = await queuedMessage(tenantId, { status: "sending", attempts: 1, leaseExpiresAt: inAMinute() });
    const staleClaim = { ...message, leaseExpiresAt: new Date(Date.now() - 1_000).toISOString() };
    const delivery = {
      row: staleClaim,
      attempts: [],
      skipped: [],
      fate: { kind: "retry" as const, reason: "every provider failed", hintSeconds: 0 },
    };

    const writes = outcomeWrites(db(), [{ delivery, delaySeconds: 5, requestId: "req_test" }], new Date().toISOString());
    await db().batch(writes as [(typeof writes)[number], ...typeof writes]);

    const row = await messageRow(message.id);
    expect(row.leaseExpiresAt).toBe(message.leaseExpiresAt);
    expect(row.lastError).toBeNull();
    expect((await eventsOf(message.id)).some((e) => e.reason?.includes("retrying in"))).toBe(false);
  });

  it("starts no send the lease could not cover: the message is retried unsent", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId });
    const message = await queuedMessage(tenantId);

    const result = await consume(batchOf([message]), { ...env, LEASE_SECONDS: "1" });

    expect(result.retryMessages).toHaveLength(1);
    const row = await messageRow(message.id);
    expect(row).toMatchObject({ status: "sending", leaseExpiresAt: null });
    expect(row.lastError).toContain("ran out of time");
    expect((await eventsOf(message.id)).filter((e) => e.providerId !== null)).toHaveLength(0);
  });

  it("the dead-letter consumer leaves alone a message another consumer is sending", async () => {
    const tenantId = await newTenant();
    const message = await queuedMessage(tenantId, { status: "sending", attempts: 3, leaseExpiresAt: inAMinute() });

    await consume(batchOf([message], "delivery-dlq"));

    expect((await messageRow(message.id)).status).toBe("sending");
    const letters = await db().query.deadLetters.findMany({ where: (d, { eq }) => eq(d.messageId, message.id) });
    expect(letters).toHaveLength(0);
    expect(await eventsOf(message.id)).toHaveLength(0);
  });
});

describe("a short lease", () => {
  it("still lets the first sends start when it covers them (lease 8 s, send timeout 3 s)", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId });
    const message = await queuedMessage(tenantId);

    await consume(batchOf([message]), { ...env, LEASE_SECONDS: "8", SEND_TIMEOUT_MS: "3000" });

    expect((await messageRow(message.id)).status).toBe("sent");
  });
});
