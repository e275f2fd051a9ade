import { describe, expect, it } from "vitest";
import {
  addProvider,
  configs,
  deliver,
  messageRow,
  messagesOfProvider,
  newTenant,
  outboundMessage,
  WEBHOOKS_ORIGIN,
  writtenFor,
} from "../support/webhook-fixtures";
import { newMessageSid, sha256Hex, statusParams, twilioRequest, twilioSignature } from "./helpers/twilio";

/**
 * The query string is part of what Twilio signs: `?messageId=` picks the message a status callback
 * is recorded on, and `bodySHA256=` vouches for a JSON body. A verifier that also accepted a
 * signature over the URL without its query (or with another query) would let anyone holding one
 * signed callback redirect it to another message, or swap a JSON body. Each case below is refused.
 */

async function setup(kind: "status" | "inbound") {
  const tenantId = await newTenant();
  const config = configs.twilio();
  const providerId = await addProvider({ tenantId, type: "twilio", config });
  const base = `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}${kind === "inbound" ? "/inbound" : ""}`;
  return { tenantId, providerId, authToken: config.authToken, base };
}

/** A JSON POST to `url` + `bodySHA256`, signed over `signedUrl` (by default the URL it is sent to). */
async function jsonRequest(url: string, body: string, authToken: string, signedUrlOf: (sentUrl: string) => string = (u) => u) {
  const sentUrl = `${url}${url.includes("?") ? "&" : "?"}bodySHA256=${await sha256Hex(body)}`;
  const signature = await twilioSignature(authToken, signedUrlOf(sentUrl), {});
  return new Request(sentUrl, { method: "POST", headers: { "content-type": "application/json", "x-twilio-signature": signature }, body });
}

const withoutQuery = (url: string) => url.slice(0, url.indexOf("?"));

const inboundParams = (sid: string) => ({
  AccountSid: `AC${"0".repeat(32)}`,
  Body: "hello",
  From: "+14155550199",
  MessageSid: sid,
  SmsSid: sid,
  To: "+15005550006",
});

describe("Twilio status callbacks: ?messageId= is covered by the signature", () => {
  it("refuses a form callback signed over the URL without its query, writing nothing", async () => {
    const { tenantId, providerId, authToken, base } = await setup("status");
    const target = await outboundMessage(tenantId, { status: "sending", sentAt: null });
    const url = `${base}?messageId=${target.id}`;

    const answer = await deliver(await twilioRequest(url, statusParams(newMessageSid(), "delivered"), authToken, { signedUrl: base }));

    expect(answer.status).toBe(401);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
    expect((await messageRow(target.id)).status).toBe("sending");
  });

  it("refuses a form callback whose messageId was swapped after signing", async () => {
    const { tenantId, providerId, authToken, base } = await setup("status");
    const signedFor = await outboundMessage(tenantId, { status: "sending", sentAt: null });
    const swappedTo = await outboundMessage(tenantId, { status: "sending", sentAt: null });
    const params = statusParams(newMessageSid(), "delivered");

    const answer = await deliver(
      await twilioRequest(`${base}?messageId=${swappedTo.id}`, params, authToken, { signedUrl: `${base}?messageId=${signedFor.id}` }),
    );

    expect(answer.status).toBe(401);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("accepts the same callback signed over the full URL (the control)", async () => {
    const { tenantId, authToken, base } = await setup("status");
    const target = await outboundMessage(tenantId, { status: "sending", sentAt: null });

    const answer = await deliver(
      await twilioRequest(`${base}?messageId=${target.id}`, statusParams(newMessageSid(), "delivered"), authToken),
    );

    expect(answer.status).toBe(200);
    expect((await messageRow(target.id)).status).toBe("delivered");
  });

  it("refuses a JSON callback signed over the URL without bodySHA256, or without messageId", async () => {
    const { tenantId, providerId, authToken, base } = await setup("status");
    const target = await outboundMessage(tenantId, { status: "sending", sentAt: null });
    const body = JSON.stringify({ MessageSid: newMessageSid(), MessageStatus: "delivered", AccountSid: `AC${"0".repeat(32)}` });

    const noQuery = await deliver(await jsonRequest(`${base}?messageId=${target.id}`, body, authToken, withoutQuery));
    expect(noQuery.status).toBe(401);
    const noHint = await deliver(
      await jsonRequest(`${base}?messageId=${target.id}`, body, authToken, (sent) => sent.replace(`messageId=${target.id}&`, "")),
    );
    expect(noHint.status).toBe(401);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });

    const control = await deliver(await jsonRequest(`${base}?messageId=${target.id}`, body, authToken));
    expect(control.status).toBe(200);
    expect((await messageRow(target.id)).status).toBe("delivered");
  });
});

describe("Twilio inbound SMS: the query is covered by the signature", () => {
  it("refuses a form request whose query was not signed, storing nothing", async () => {
    const { providerId, authToken, base } = await setup("inbound");
    const url = `${base}?messageId=msg_${newMessageSid()}`;

    const answer = await deliver(await twilioRequest(url, inboundParams(newMessageSid()), authToken, { signedUrl: base }));

    expect(answer.status).toBe(401);
    expect(await messagesOfProvider(providerId)).toHaveLength(0);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("refuses a JSON request signed over the URL without bodySHA256, storing nothing", async () => {
    const { providerId, authToken, base } = await setup("inbound");
    const body = JSON.stringify(inboundParams(newMessageSid()));

    const answer = await deliver(await jsonRequest(base, body, authToken, withoutQuery));

    expect(answer.status).toBe(401);
    expect(await messagesOfProvider(providerId)).toHaveLength(0);

    const control = await deliver(await jsonRequest(base, body, authToken));
    expect(control.status).toBe(200);
    expect(await messagesOfProvider(providerId)).toHaveLength(1);
  });
});
