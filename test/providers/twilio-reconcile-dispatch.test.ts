import { describe, expect, it } from "vitest";
import { addProvider, batchOf, consume, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";
import { fakeSecret, randomHex } from "./fixtures";
import { scenario } from "./scenario";

/**
 * Dispatch end to end in the Workers runtime: a message taken over from a lapsed lease, a
 * fake Twilio on 127.0.0.1 that lists (or cannot list) what it sent, and the D1 rows after.
 */
async function twilioTenant(list: { status: number; body?: Record<string, unknown> }, text = `code ${randomHex(3)}`) {
  const accountSid = `AC${randomHex(16)}`;
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const server = await scenario({
    routes: {
      [`GET ${messagesPath}`]: list,
      [`POST ${messagesPath}`]: { status: 201, body: { sid: `SM${randomHex(16)}`, status: "queued", price: null } },
    },
  });
  const tenantId = await newTenant();
  const config = { accountSid, authToken: fakeSecret(), from: "+14155550199", baseUrl: server.baseUrl };
  const providerId = await addProvider({ tenantId, type: "twilio", channel: "sms", config });
  const lapsed = new Date(Date.now() - 60_000).toISOString();
  const message = await queuedMessage(tenantId, {
    status: "sending",
    attempts: 1,
    leaseExpiresAt: lapsed,
    recipient: RECIPIENT,
    content: { text },
  });
  const sends = async () => (await server.requests()).filter((request) => request.method === "POST");
  return { providerId, message, sends };
}

const RECIPIENT = "+14155550100";

function listedSend(sid: string, to: string, body: string) {
  return {
    sid,
    to,
    from: "+14155550199",
    body,
    direction: "outbound-api",
    status: "sent",
    date_created: new Date().toUTCString().replace("GMT", "+0000"),
  };
}

describe("dispatch reconciles with Twilio before sending again", () => {
  it("an earlier send Twilio lists is recorded, with an event that says so, and nothing is sent", async () => {
    const sid = `SM${randomHex(16)}`;
    const text = `code ${randomHex(3)}`;
    const listing = { status: 200, body: { messages: [listedSend(sid, RECIPIENT, text)] } };
    const { message, providerId, sends } = await twilioTenant(listing, text);

    await consume(batchOf([message], "delivery", 2));

    expect(await sends()).toEqual([]);
    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId, providerMessageId: sid, leaseExpiresAt: null });
    const reasons = (await eventsOf(message.id)).map((event) => event.reason ?? "");
    expect(reasons.some((reason) => reason.startsWith("found already sent"))).toBe(true);
  });

  it("Twilio rate-limits the lookup: nothing is sent, the message waits and is still looked up next round", async () => {
    const { message, sends } = await twilioTenant({ status: 429, body: { code: 20429, message: "Too Many Requests" } });

    const result = await consume(batchOf([message], "delivery", 2));

    expect(await sends()).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    const row = await messageRow(message.id);
    expect(row.status).toBe("sending");
    // A lapsed lease again: the next claim treats it as a lost outcome and asks Twilio first.
    expect(row.leaseExpiresAt).not.toBeNull();
    expect(Date.parse(row.leaseExpiresAt ?? "")).toBeLessThan(Date.now());
  });

  it("a gateway without the Messages list (404): the message is sent", async () => {
    const { message, sends } = await twilioTenant({ status: 404, body: { code: 20404, message: "Not Found" } });

    await consume(batchOf([message], "delivery", 2));

    expect(await sends()).toHaveLength(1);
    expect((await messageRow(message.id)).status).toBe("sent");
  });
});
