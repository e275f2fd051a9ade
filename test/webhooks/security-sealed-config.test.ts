import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addProvider, configs, deliver, newTenant, WEBHOOKS_ORIGIN, writtenFor } from "../support/webhook-fixtures";
import { newMessageSid, statusParams, twilioRequest } from "./helpers/twilio";

/** Callbacks are verified with the row's own sealed secret: one copied from another provider does not open. */
describe("a sealed config copied onto another provider's row, at callback time", () => {
  it("does not verify callbacks signed with the copied auth token, and writes nothing", async () => {
    const victimConfig = configs.twilio();
    const victims = await addProvider({ tenantId: await newTenant(), type: "twilio", config: victimConfig });
    const attackers = await addProvider({ tenantId: await newTenant(), type: "twilio", config: configs.twilio() });
    await env.DB.prepare(
      `UPDATE provider_configs SET (encrypted_config, key_version) =
         (SELECT encrypted_config, key_version FROM provider_configs WHERE id = ?) WHERE id = ?`,
    )
      .bind(victims, attackers)
      .run();

    const url = `${WEBHOOKS_ORIGIN}/webhooks/twilio/${attackers}`;
    const answer = await deliver(await twilioRequest(url, statusParams(newMessageSid(), "delivered"), victimConfig.authToken));

    // Refused as unavailable (the row cannot be opened at all, so the provider retries later), and nothing recorded.
    expect(answer.status).toBe(503);
    expect(answer.body.success).toBe(false);
    expect(answer.body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(JSON.stringify(answer.body)).not.toContain(victimConfig.authToken);
    expect(await writtenFor(attackers)).toEqual({ events: 0, unmatched: 0 });
  });
});
