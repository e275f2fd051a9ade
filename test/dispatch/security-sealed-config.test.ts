import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addProvider, batchOf, consume, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

/**
 * The send-side half of the AAD binding: a sealed config copied onto another provider's row does
 * not open there, so dispatch skips that provider (unavailable) instead of sending with the
 * copied config. The copied config says "fail permanently": had it opened, the message would fail.
 */
describe("a sealed config copied onto another provider's row, at send time", () => {
  it("is not used: the provider is skipped as undecryptable and the next one delivers", async () => {
    const victimTenant = await newTenant();
    const victims = await addProvider({ tenantId: victimTenant, config: { fail: "permanent" } });
    const tenantId = await newTenant();
    const primary = await addProvider({ tenantId, priority: 0 });
    const secondary = await addProvider({ tenantId, priority: 1 });
    await env.DB.prepare(
      `UPDATE provider_configs SET (encrypted_config, key_version) =
         (SELECT encrypted_config, key_version FROM provider_configs WHERE id = ?) WHERE id = ?`,
    )
      .bind(victims, primary)
      .run();
    const message = await queuedMessage(tenantId);

    await consume(batchOf([message]));

    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId: secondary });
    const attempt = (await eventsOf(message.id)).find((e) => e.providerId === primary);
    expect(attempt?.reason).toContain("could not be decrypted");
    expect(attempt?.reason).not.toContain("system_permanent");
  });
});
