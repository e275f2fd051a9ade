import { describe, expect, it } from "vitest";
import {
  addProvider,
  configs,
  db,
  deliver,
  eventsOf,
  messagesOfProvider,
  newTenant,
  unmatchedOf,
  WEBHOOKS_ORIGIN,
  writtenFor,
} from "../support/webhook-fixtures";
import { newMessageSid, twilioRequest } from "./helpers/twilio";

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function inboundParams(sid: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: `AC${"0".repeat(32)}`,
    ApiVersion: "2010-04-01",
    Body: "Hi Relay, STOP is not what I mean",
    From: "+14155550199",
    FromCountry: "US",
    MessageSid: sid,
    NumMedia: "0",
    NumSegments: "1",
    SmsMessageSid: sid,
    SmsSid: sid,
    SmsStatus: "received",
    To: "+15005550006",
    ...extra,
  };
}

async function inboundSetup(tenantId: string | null = null) {
  const owner = tenantId ?? (await newTenant());
  const config = configs.twilio();
  const providerId = await addProvider({ tenantId: owner, type: "twilio", config });
  return { tenantId: owner, providerId, authToken: config.authToken, url: `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}/inbound` };
}

describe("Twilio inbound SMS", () => {
  it("stores an incoming SMS as an inbound message of the provider's tenant and answers empty TwiML", async () => {
    const { tenantId, providerId, authToken, url } = await inboundSetup();
    const sid = newMessageSid();
    const params = inboundParams(sid);

    const answer = await deliver(await twilioRequest(url, params, authToken));

    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain("text/xml");
    expect(answer.text).toBe(EMPTY_TWIML);
    const [message] = await messagesOfProvider(providerId);
    expect(message).toMatchObject({
      tenantId,
      channel: "sms",
      direction: "inbound",
      status: "delivered",
      recipient: "+15005550006",
      sender: "+14155550199",
      content: { text: "Hi Relay, STOP is not what I mean" },
      providerId,
      providerMessageId: sid,
    });
    const [event] = await eventsOf(message.id);
    expect(event).toMatchObject({ status: "delivered", source: "provider", providerId, rawPayload: params });
  });

  it("records an MMS's media as pending attachments of the message, and answers before fetching them", async () => {
    const { providerId, authToken, url } = await inboundSetup();
    // Nothing listens there: the fetch after the answer fails, and the attachments wait for the cron.
    const media = {
      NumMedia: "2",
      MediaUrl0: "http://127.0.0.1:9/media/ME1",
      MediaContentType0: "image/jpeg",
      MediaUrl1: "http://127.0.0.1:9/media/ME2",
      MediaContentType1: "image/png",
      Body: "",
    };

    const answer = await deliver(await twilioRequest(url, inboundParams(newMessageSid(), media), authToken));

    expect(answer.status).toBe(200);
    expect(answer.text).toBe(EMPTY_TWIML);
    const [message] = await messagesOfProvider(providerId);
    expect(message.metadata).toEqual({});
    expect(message.content).toEqual({});
    const attachments = await db().query.media.findMany({ where: (m, { eq }) => eq(m.messageId, message.id), orderBy: (m) => m.position });
    expect(attachments).toMatchObject([
      { source: media.MediaUrl0, contentType: "image/jpeg", status: "pending", attempts: 1, lastError: expect.stringContaining("reach") },
      { source: media.MediaUrl1, contentType: "image/png", status: "pending", attempts: 1 },
    ]);
  });

  it("records all ten files of a full MMS (more than one D1 statement's parameters)", async () => {
    const { providerId, authToken, url } = await inboundSetup();
    const files = Object.fromEntries(
      Array.from({ length: 10 }, (_, index) => [
        [`MediaUrl${index}`, `http://127.0.0.1:9/media/ME${index}`],
        [`MediaContentType${index}`, "image/jpeg"],
      ]).flat(),
    );
    const answer = await deliver(await twilioRequest(url, inboundParams(newMessageSid(), { NumMedia: "10", ...files }), authToken));
    expect(answer.status).toBe(200);
    const [message] = await messagesOfProvider(providerId);
    const attachments = await db().query.media.findMany({ where: (m, { eq }) => eq(m.messageId, message.id), orderBy: (m) => m.position });
    expect(attachments.map((row) => row.source)).toEqual(Array.from({ length: 10 }, (_, index) => `http://127.0.0.1:9/media/ME${index}`));
  });

  it("stores a replayed inbound SMS (same MessageSid) once, answering TwiML both times", async () => {
    const { providerId, authToken, url } = await inboundSetup();
    const params = inboundParams(newMessageSid());

    const first = await deliver(await twilioRequest(url, params, authToken));
    const replay = await deliver(await twilioRequest(url, params, authToken));

    expect([first.text, replay.text]).toEqual([EMPTY_TWIML, EMPTY_TWIML]);
    expect(await messagesOfProvider(providerId)).toHaveLength(1);
    expect(await writtenFor(providerId)).toEqual({ events: 1, unmatched: 0 });
  });

  it("rejects an inbound SMS with a bad signature and stores nothing", async () => {
    const { providerId, authToken, url } = await inboundSetup();
    const params = inboundParams(newMessageSid());

    const answer = await deliver(await twilioRequest(url, { ...params, Body: "send me money" }, authToken, { signedParams: params }));

    expect(answer.status).toBe(401);
    expect(await messagesOfProvider(providerId)).toHaveLength(0);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("keeps what a system default provider (no tenant) receives for diagnosis instead of inventing an owner", async () => {
    const config = configs.twilio();
    const providerId = await addProvider({ tenantId: null, type: "twilio", config });
    const sid = newMessageSid();

    const answer = await deliver(
      await twilioRequest(`${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}/inbound`, inboundParams(sid), config.authToken),
    );

    expect(answer.text).toBe(EMPTY_TWIML);
    expect(await messagesOfProvider(providerId)).toHaveLength(0);
    expect(await unmatchedOf(providerId)).toEqual([expect.objectContaining({ providerMessageId: sid, kind: "inbound", tenantId: null })]);
  });
});
