import { describe, expect, it } from "vitest";
import { optOuts } from "../../shared/db/schema";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

async function suppress(tenantId: string, channel: "sms" | "email", address: string) {
  const now = new Date().toISOString();
  await db()
    .insert(optOuts)
    .values({
      id: `opt_${crypto.randomUUID()}`,
      tenantId,
      channel,
      address,
      source: "keyword",
      reason: "STOP received",
      createdAt: now,
      updatedAt: now,
    });
}

describe("dispatch and the suppression list", () => {
  it("fails a send to an opted-out number with recipient_opted_out, without calling any provider", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId });
    await suppress(tenantId, "sms", "+14155550301");
    const message = await queuedMessage(tenantId, { recipient: "+14155550301" });

    const result = await consume(batchOf([message]));

    expect(await messageRow(message.id)).toMatchObject({
      status: "failed",
      lastError: "recipient_opted_out",
      providerId: null,
      providerMessageId: null,
    });
    const events = await eventsOf(message.id);
    expect(events.map((event) => [event.status, event.providerId])).toEqual([
      ["sending", null],
      ["failed", null],
    ]);
    expect(events[1].reason).toContain("recipient_opted_out");
    expect(events[1].reason).toContain("STOP received");
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
  });

  it("matches an email address in any case, and leaves other recipients, channels and tenants alone", async () => {
    const tenantId = await newTenant();
    const otherTenant = await newTenant();
    for (const owner of [tenantId, otherTenant]) {
      await addProvider({ tenantId: owner });
      await addProvider({ tenantId: owner, channel: "email", name: "email" });
    }
    await suppress(tenantId, "email", "ada@example.com");
    await suppress(tenantId, "sms", "+14155550302");
    const suppressed = await queuedMessage(tenantId, { channel: "email", recipient: "Ada@Example.com", subject: "hi" });
    const otherAddress = await queuedMessage(tenantId, { channel: "email", recipient: "bob@example.com", subject: "hi" });
    const otherChannel = await queuedMessage(tenantId, { channel: "email", recipient: "+14155550302", subject: "hi" });
    const otherOwner = await queuedMessage(otherTenant, { recipient: "+14155550302" });

    await consume(batchOf([suppressed, otherAddress, otherChannel, otherOwner]));

    expect((await messageRow(suppressed.id)).lastError).toBe("recipient_opted_out");
    for (const message of [otherAddress, otherChannel, otherOwner]) expect((await messageRow(message.id)).status).toBe("sent");
  });
});

describe("a provider's word that the recipient unsubscribed", () => {
  it("puts the recipient on the suppression list when a rejection says so (Twilio 21610)", async () => {
    const { outcomeWrites } = await import("../../workers/dispatch/outcome-writes");
    const tenantId = await newTenant();
    const providerId = await addProvider({ tenantId });
    const provider = await db().query.providerConfigs.findFirst({ where: (p, { eq }) => eq(p.id, providerId) });
    if (!provider) throw new Error("no provider");
    const message = await queuedMessage(tenantId, {
      recipient: "+14155550303",
      status: "sending",
      leaseExpiresAt: "2099-01-01T00:00:00.000Z",
    });
    const fate = {
      kind: "rejected" as const,
      provider,
      reason: "21610: Attempt to send to unsubscribed recipient",
      suppresses: "provider" as const,
    };
    const writes = outcomeWrites(
      db(),
      [{ delivery: { row: message, attempts: [], skipped: [], fate }, delaySeconds: 0, requestId: "req_test" }],
      new Date().toISOString(),
    );
    await db().batch(writes as [(typeof writes)[number], ...typeof writes]);
    const rows = await db().query.optOuts.findMany({ where: (o, { eq }) => eq(o.tenantId, tenantId) });
    expect(rows.map((row) => [row.channel, row.address, row.source])).toEqual([["sms", "+14155550303", "provider"]]);
    expect((await messageRow(message.id)).status).toBe("failed");
  });
});
