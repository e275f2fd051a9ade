import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1 } from "../support/d1-counter";
import { addProvider, configs, deliver, newTenant, WEBHOOKS_ORIGIN } from "../support/webhook-fixtures";
import { newMessageSid, twilioRequest } from "./helpers/twilio";

function inboundParams(sid: string, from: string): Record<string, string> {
  return {
    AccountSid: `AC${"0".repeat(32)}`,
    Body: "Hello",
    From: from,
    MessageSid: sid,
    NumMedia: "0",
    SmsStatus: "received",
    To: "+15005550006",
  };
}

/** The D1 work of an inbound message joining a conversation (README, Performance: "D1 work per path"). */
describe("D1 budget of an inbound SMS", () => {
  it("the first from a number starts a conversation; the next joins it", async () => {
    const tenantId = await newTenant();
    const config = configs.twilio();
    const providerId = await addProvider({ tenantId, type: "twilio", config });
    const url = `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}/inbound`;
    const from = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, "0")}`;
    const metered = async () => {
      const { db, counter } = countingD1(env.DB);
      const request = await twilioRequest(url, inboundParams(newMessageSid(), from), config.authToken);
      expect((await deliver(request, { DB: db })).status).toBe(200);
      return counter;
    };
    const first = await metered();
    const next = await metered();
    // The provider config read, then one write batch of seven statements (among them the event,
    // the contact, the conversation unless one is current, the message, the conversation's touch
    // and the analysis marker, which writes nothing while the tenant has analysis off); starting a conversation writes the contact and conversation rows with their
    // index entries, joining one only updates them.
    expect(first).toEqual({ roundTrips: 2, statements: 7, rowsWritten: 34 });
    expect(next).toEqual({ roundTrips: 2, statements: 7, rowsWritten: 20 });
  });
});
