import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { providerConfigs } from "../../shared/db/schema";
import type { Pricing } from "../../shared/domain/pricing";
import { addProvider, batchOf, consume, db, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

async function pricedProvider(tenantId: string, pricing: Pricing | null, config: Record<string, unknown> = {}) {
  const id = await addProvider({ tenantId, config });
  await db().update(providerConfigs).set({ pricing }).where(eq(providerConfigs.id, id));
  return id;
}

describe("what a send costs", () => {
  it("an SMS priced per segment costs the unit price times its segments, in the provider's currency", async () => {
    const tenantId = await newTenant();
    await pricedProvider(tenantId, { unit: "segment", amount: 0.0079, currency: "USD" });
    const message = await queuedMessage(tenantId, { content: { text: "x".repeat(200) }, segments: 2 });
    await consume(batchOf([message]));
    expect(await messageRow(message.id)).toMatchObject({ status: "sent", cost: 0.0158, currency: "USD", segments: 2 });
  });

  it("priced per message, a long SMS costs one unit", async () => {
    const tenantId = await newTenant();
    await pricedProvider(tenantId, { unit: "message", amount: 0.05, currency: "EUR" });
    const message = await queuedMessage(tenantId, { segments: 3 });
    await consume(batchOf([message]));
    expect(await messageRow(message.id)).toMatchObject({ cost: 0.05, currency: "EUR" });
  });

  it("the provider that sent it sets the price, not the one that failed first", async () => {
    const tenantId = await newTenant();
    const failing = await addProvider({ tenantId, priority: 0, config: { fail: "transient" } });
    await db()
      .update(providerConfigs)
      .set({ pricing: { unit: "message", amount: 9, currency: "USD" } })
      .where(eq(providerConfigs.id, failing));
    const sender = await addProvider({ tenantId, priority: 1 });
    await db()
      .update(providerConfigs)
      .set({ pricing: { unit: "message", amount: 0.01, currency: "USD" } })
      .where(eq(providerConfigs.id, sender));
    const message = await queuedMessage(tenantId);
    await consume(batchOf([message]));
    expect(await messageRow(message.id)).toMatchObject({ providerId: sender, cost: 0.01, currency: "USD" });
  });

  it("without a price, a send records no cost", async () => {
    const tenantId = await newTenant();
    await pricedProvider(tenantId, null);
    const message = await queuedMessage(tenantId);
    await consume(batchOf([message]));
    expect(await messageRow(message.id)).toMatchObject({ status: "sent", cost: null, currency: null });
  });
});
