import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { deadLetters, providerConfigs } from "../../shared/db/schema";
import { redriveDeadLetter } from "../../workers/ingest/services/dead-letters";
import { providerAttemptsOf } from "../../workers/ingest/services/provider-attempts";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

describe("dead letters", () => {
  it("all providers down → retries → DLQ → dead letter → redrive → sent", async () => {
    const tenantId = await newTenant();
    const down = await addProvider({ tenantId, priority: 0, config: { fail: "transient" } });
    const spare = await addProvider({ tenantId, priority: 1, enabled: false });
    const message = await queuedMessage(tenantId);

    for (const attempt of [1, 2, 3, 4]) expect((await consume(batchOf([message], "delivery", attempt))).retryMessages).toHaveLength(1);
    // The queue's max retries are spent: the runtime hands the message to the DLQ consumer.
    const dlq = await consume(batchOf([message], "delivery-dlq"));
    expect(dlq.explicitAcks.length + (dlq.ackAll ? 1 : 0)).toBeGreaterThan(0);

    const failed = await messageRow(message.id);
    // The message keeps the error that sent it to the dead letters.
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toContain("every provider failed");
    expect(failed.lastError).toContain("system_transient");
    const [letter] = await db().select().from(deadLetters).where(eq(deadLetters.messageId, message.id));
    // The provider last tried, though the message never got through it: the provider filter finds it.
    expect(letter).toMatchObject({ tenantId, providerId: down, attempts: 4, redrivenAt: null });
    expect(letter.lastError).toContain("every provider failed");
    expect(letter.body).toMatchObject({ job: { messageId: message.id }, message: { to: message.recipient, content: message.content } });
    expect((await eventsOf(message.id)).at(-1)?.reason).toContain("dead-lettered after 4 delivery rounds");

    // A redelivered DLQ batch records nothing twice.
    await consume(batchOf([message], "delivery-dlq"));
    expect(await db().select().from(deadLetters).where(eq(deadLetters.messageId, message.id))).toHaveLength(1);

    // Ops enable a working provider and redrive; the real queue carries it to the consumer.
    await db().update(providerConfigs).set({ enabled: true }).where(eq(providerConfigs.id, spare));
    await redriveDeadLetter({ db: db(), queue: env.DELIVERY_QUEUE, tenantId, requestId: "req_redrive" }, letter.id);
    expect((await messageRow(message.id)).attempts).toBe(0);
    await vi.waitFor(async () => expect((await messageRow(message.id)).status).toBe("sent"), { timeout: 10_000, interval: 100 });

    const row = await messageRow(message.id);
    expect(row.providerId).toBe(spare);
    const events = await eventsOf(message.id);
    expect(events.some((e) => e.reason?.includes(`redriven from dead letter ${letter.id}`))).toBe(true);
    expect(events.filter((e) => e.providerId === down).length).toBeGreaterThanOrEqual(4);
  });

  it("names every provider tried, with its calls and its last error", async () => {
    const tenantId = await newTenant();
    const first = await addProvider({ tenantId, priority: 0, config: { fail: "transient" } });
    const second = await addProvider({ tenantId, priority: 1, config: { fail: "transient" } });
    const message = await queuedMessage(tenantId);
    for (const attempt of [1, 2, 3]) await consume(batchOf([message], "delivery", attempt));
    await consume(batchOf([message], "delivery-dlq"));

    const [letter] = await db().select().from(deadLetters).where(eq(deadLetters.messageId, message.id));
    expect(letter.providerId).toBe(second);
    const attempts = await providerAttemptsOf(db(), message.id);
    expect(attempts.map((a) => [a.providerId, a.attempts, a.lastError])).toEqual([
      [second, 3, "system_transient: system provider configured to fail (transient)"],
      [first, 3, "system_transient: system provider configured to fail (transient)"],
    ]);
    expect(attempts[0].providerName).toBeTruthy();
  });

  it("a redrive to a chosen provider tries it first, ahead of the message's usual chain", async () => {
    const tenantId = await newTenant();
    const primary = await addProvider({ tenantId, priority: 0 });
    const spare = await addProvider({ tenantId, priority: 1 });
    const message = await queuedMessage(tenantId);
    const batch = batchOf([message]);
    Object.assign(batch.messages[0].body, { providerId: spare });
    await consume(batch);
    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId: spare });
    expect((await eventsOf(message.id)).some((e) => e.providerId === primary)).toBe(false);
  });

  it("a message that only met an open circuit is dead-lettered under that provider", async () => {
    const tenantId = await newTenant();
    const open = await addProvider({ tenantId, priority: 0, config: { fail: "transient" } });
    const down = { kind: "unavailable" as const, latencyMs: 5, error: "http_503" };
    await env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(open)).report([down, down, down, down, down], {
      failureThreshold: 5,
      cooldownSeconds: 600,
    });
    const message = await queuedMessage(tenantId);
    const skipped = { ...env, BREAKER_COOLDOWN_SECONDS: "600" };
    for (const attempt of [1, 2, 3]) await consume(batchOf([message], "delivery", attempt), skipped);
    await consume(batchOf([message], "delivery-dlq"), skipped);
    expect((await eventsOf(message.id)).some((e) => e.reason?.includes("unavailable —"))).toBe(false);
    const [letter] = await db().select().from(deadLetters).where(eq(deadLetters.messageId, message.id));
    expect(letter.providerId).toBe(open);
    expect(letter.lastError).toContain("every provider is paused");
  });

  it("leaves a message that was sent after all out of the dead letters", async () => {
    const tenantId = await newTenant();
    const message = await queuedMessage(tenantId, { status: "sent" });
    await consume(batchOf([message], "delivery-dlq"));
    expect(await db().select().from(deadLetters).where(eq(deadLetters.messageId, message.id))).toHaveLength(0);
    expect((await messageRow(message.id)).status).toBe("sent");
  });
});
