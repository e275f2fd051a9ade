import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { providerConfigs } from "../../shared/db/schema";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

describe("a reply pinned to its conversation's provider", () => {
  it("goes out through that provider, not the first of the chain", async () => {
    const tenantId = await newTenant();
    const first = await addProvider({ tenantId, priority: 0 });
    const conversations = await addProvider({ tenantId, priority: 1 });
    const reply = await queuedMessage(tenantId, { pinnedProviderId: conversations });
    const plain = await queuedMessage(tenantId);

    await consume(batchOf([reply, plain]));

    expect(await messageRow(reply.id)).toMatchObject({ status: "sent", providerId: conversations });
    expect(await messageRow(plain.id)).toMatchObject({ status: "sent", providerId: first });
  });

  it("never fails over to another provider: while its own is unavailable it waits and retries", async () => {
    const tenantId = await newTenant();
    const other = await addProvider({ tenantId, priority: 0 });
    const conversations = await addProvider({ tenantId, priority: 1, config: { fail: "transient" } });
    const reply = await queuedMessage(tenantId, { pinnedProviderId: conversations });

    const result = await consume(batchOf([reply]));

    expect(result.retryMessages).toHaveLength(1);
    const events = await eventsOf(reply.id);
    expect(events.some((event) => event.providerId === other)).toBe(false);
    expect(events.some((event) => event.providerId === conversations)).toBe(true);
  });

  it("with its provider disabled, is retried with a reason that names it (then dead-lettered), never sent elsewhere", async () => {
    const tenantId = await newTenant();
    const other = await addProvider({ tenantId, priority: 0 });
    const conversations = await addProvider({ tenantId, priority: 1 });
    await db().update(providerConfigs).set({ enabled: false }).where(eq(providerConfigs.id, conversations));
    const reply = await queuedMessage(tenantId, { pinnedProviderId: conversations });

    const result = await consume(batchOf([reply]));

    expect(result.retryMessages).toHaveLength(1);
    const row = await messageRow(reply.id);
    expect(row.providerId).toBeNull();
    expect(row.lastError).toContain(`the conversation's provider ${conversations} is disabled or gone`);
    expect((await eventsOf(reply.id)).some((event) => event.providerId === other)).toBe(false);
  });
});
