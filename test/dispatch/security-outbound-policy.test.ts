import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addProvider, batchOf, consume, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

/**
 * A config stored before the outbound policy (or under the local allowance) is re-checked when
 * dispatch builds its adapter: the send is never attempted, the provider is skipped as unavailable,
 * and the next one delivers. The refused addresses are loopback on a closed port, so even a broken
 * policy would connect nowhere else.
 */
async function webhookTenant(url: string) {
  const tenantId = await newTenant();
  const refused = await addProvider({ tenantId, type: "webhook", channel: "webhook", priority: 0, config: { url } });
  const fallback = await addProvider({ tenantId, channel: "webhook", priority: 1 });
  const message = await queuedMessage(tenantId, { channel: "webhook", recipient: "orders", content: { text: "order 42" } });
  return { refused, fallback, message };
}

describe("outbound policy at send time", () => {
  it("refuses a stored address outside the policy and fails over, naming the field", async () => {
    const { refused, fallback, message } = await webhookTenant("https://[::ffff:127.0.0.1]:1/hook");

    await consume(batchOf([message]));

    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId: fallback });
    const attempt = (await eventsOf(message.id)).find((e) => e.providerId === refused);
    expect(attempt?.reason).toContain("outbound address policy");
    expect(attempt?.reason).toContain("config.url");
  });

  it("as deployed, refuses a loopback address the local allowance would take", async () => {
    const { refused, fallback, message } = await webhookTenant("https://127.0.0.1:1/hook");

    await consume(batchOf([message]), { ...env, OUTBOUND_ALLOW_LOOPBACK: undefined });

    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId: fallback });
    const attempt = (await eventsOf(message.id)).find((e) => e.providerId === refused);
    expect(attempt?.reason).toContain("loopback");
  });
});
