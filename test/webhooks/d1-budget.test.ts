import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1 } from "../support/d1-counter";
import { addProvider, configs, deliver, messageRow, newTenant, outboundMessage, WEBHOOKS_ORIGIN } from "../support/webhook-fixtures";
import { newMessageSid, statusParams, twilioRequest } from "./helpers/twilio";

describe("D1 budget of a provider callback", () => {
  it("a delivery callback: two reads, then one batch writing the event and the status", async () => {
    const tenantId = await newTenant();
    const config = configs.twilio();
    const providerId = await addProvider({ tenantId, type: "twilio", config });
    const sid = newMessageSid();
    const message = await outboundMessage(tenantId, { providerId, providerMessageId: sid });
    const { db, counter } = countingD1(env.DB);
    const request = await twilioRequest(
      `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}`,
      statusParams(sid, "delivered"),
      config.authToken,
    );
    expect((await deliver(request, { DB: db })).status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");
    // Reads: the provider config, then the message the callback names; one batch writes the
    // event (row, primary key, message index, dedupe key) and the status (row, status index entry).
    expect(counter).toEqual({ roundTrips: 3, statements: 4, rowsWritten: 7 });
  });
});
