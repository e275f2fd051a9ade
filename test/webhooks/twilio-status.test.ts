import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../shared/db/schema";
import {
  addProvider,
  configs,
  db,
  deliver,
  eventsOf,
  messageRow,
  newTenant,
  outboundMessage,
  unmatchedOf,
  WEBHOOKS_ORIGIN,
  writtenFor,
} from "../support/webhook-fixtures";
import { newMessageSid, statusParams, twilioJsonRequest, twilioRequest } from "./helpers/twilio";

async function twilioSetup() {
  const tenantId = await newTenant();
  const config = configs.twilio();
  const providerId = await addProvider({ tenantId, type: "twilio", config });
  const sid = newMessageSid();
  const message = await outboundMessage(tenantId, { providerId, providerMessageId: sid });
  const url = `${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}`;
  return { tenantId, providerId, authToken: config.authToken, sid, message, url };
}

describe("Twilio status callbacks", () => {
  it("records a delivered callback as a provider event and moves the message to delivered", async () => {
    const { providerId, authToken, sid, message, url } = await twilioSetup();
    const params = statusParams(sid, "delivered");

    const answer = await deliver(await twilioRequest(url, params, authToken));

    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ result: "recorded", messageIds: [message.id] });
    expect((await messageRow(message.id)).status).toBe("delivered");
    const [event] = await eventsOf(message.id);
    expect(event).toMatchObject({
      status: "delivered",
      source: "provider",
      providerId,
      reason: "twilio delivered",
      rawPayload: params,
      dedupeKey: `twilio:${providerId}:${sid}:delivered`,
    });
  });

  it("maps undelivered with its ErrorCode onto failed, keeping the code as the reason", async () => {
    const { authToken, sid, message, url } = await twilioSetup();

    const answer = await deliver(await twilioRequest(url, statusParams(sid, "undelivered", { ErrorCode: "30003" }), authToken));

    expect(answer.status).toBe(200);
    const row = await messageRow(message.id);
    expect(row.status).toBe("failed");
    expect(row.lastError).toBe("twilio undelivered (ErrorCode 30003)");
    expect((await eventsOf(message.id)).map((e) => [e.status, e.reason])).toEqual([["failed", "twilio undelivered (ErrorCode 30003)"]]);
  });

  it("moves a queued message no further than sending on Twilio's queued, and leaves a sent one as it is", async () => {
    const { tenantId, providerId, authToken, url } = await twilioSetup();
    const queuedSid = newMessageSid();
    const queued = await outboundMessage(tenantId, { providerId, providerMessageId: queuedSid, status: "queued" });
    const sentSid = newMessageSid();
    const sent = await outboundMessage(tenantId, { providerId, providerMessageId: sentSid, status: "sent" });

    await deliver(await twilioRequest(url, statusParams(queuedSid, "queued"), authToken));
    await deliver(await twilioRequest(url, statusParams(sentSid, "queued"), authToken));

    expect((await messageRow(queued.id)).status).toBe("sending");
    expect((await messageRow(sent.id)).status).toBe("sent");
    expect((await eventsOf(sent.id)).map((e) => e.status)).toEqual(["sending"]);
  });

  it("accepts the URL signed with the default port and a local URL signed without its port", async () => {
    const { providerId, authToken, sid, message } = await twilioSetup();
    const signedWithPort = `https://relay-webhooks.example:443/webhooks/twilio/${providerId}`;
    const sent = await deliver(
      await twilioRequest(`${WEBHOOKS_ORIGIN}/webhooks/twilio/${providerId}`, statusParams(sid, "sent"), authToken, {
        signedUrl: signedWithPort,
      }),
    );
    expect(sent.status).toBe(200);

    const local = `http://127.0.0.1:8788/webhooks/twilio/${providerId}`;
    const delivered = await deliver(
      await twilioRequest(local, statusParams(sid, "delivered"), authToken, {
        signedUrl: `http://127.0.0.1/webhooks/twilio/${providerId}`,
      }),
    );
    expect(delivered.status).toBe(200);
    expect((await eventsOf(message.id)).map((e) => e.status)).toEqual(["sent", "delivered"]);
  });

  it("accepts the JSON-body variant signed through bodySHA256, and rejects it when the body changed", async () => {
    const { providerId, authToken, sid, message, url } = await twilioSetup();
    const body = JSON.stringify({ MessageSid: sid, MessageStatus: "delivered", AccountSid: `AC${"0".repeat(32)}` });

    const tampered = await deliver(await twilioJsonRequest(url, body, authToken, body.replace("delivered", "failed")));
    expect(tampered.status).toBe(401);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });

    const answer = await deliver(await twilioJsonRequest(url, body, authToken));
    expect(answer.status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");
  });

  describe("rejects, writing nothing,", () => {
    const cases: [string, (s: Awaited<ReturnType<typeof twilioSetup>>) => Promise<Request>][] = [
      [
        "a tampered parameter",
        (s) => twilioRequest(s.url, statusParams(s.sid, "failed"), s.authToken, { signedParams: statusParams(s.sid, "delivered") }),
      ],
      [
        "an added parameter",
        (s) =>
          twilioRequest(s.url, statusParams(s.sid, "delivered", { ErrorCode: "1" }), s.authToken, {
            signedParams: statusParams(s.sid, "delivered"),
          }),
      ],
      ["a signature made with another auth token", (s) => twilioRequest(s.url, statusParams(s.sid, "delivered"), `${s.authToken}x`)],
      [
        "a signature for another URL",
        (s) => twilioRequest(s.url, statusParams(s.sid, "delivered"), s.authToken, { signedUrl: `${s.url}/inbound` }),
      ],
      ["a missing X-Twilio-Signature", (s) => twilioRequest(s.url, statusParams(s.sid, "delivered"), s.authToken, { signature: null })],
      [
        "a signature that is not base64",
        (s) => twilioRequest(s.url, statusParams(s.sid, "delivered"), s.authToken, { signature: "not a signature!" }),
      ],
    ];
    it.each(cases)("%s", async (_name, build) => {
      const setup = await twilioSetup();

      const answer = await deliver(await build(setup));

      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe("UNAUTHORIZED");
      expect(await writtenFor(setup.providerId)).toEqual({ events: 0, unmatched: 0 });
      expect((await messageRow(setup.message.id)).status).toBe("sent");
    });
  });

  it("records a replayed callback (same MessageSid and status) only once", async () => {
    const { authToken, sid, message, url } = await twilioSetup();
    const params = statusParams(sid, "delivered");

    const first = await deliver(await twilioRequest(url, params, authToken));
    const replay = await deliver(await twilioRequest(url, params, authToken));

    expect(first.body.data.result).toBe("recorded");
    expect(replay.status).toBe(200);
    expect(replay.body.data.result).toBe("duplicate");
    expect(await eventsOf(message.id)).toHaveLength(1);
  });

  it("records nothing for a replay, not even a status change, after the message was redriven", async () => {
    const { authToken, sid, message, url } = await twilioSetup();
    const failed = statusParams(sid, "failed", { ErrorCode: "30005" });
    await deliver(await twilioRequest(url, failed, authToken));
    await db().update(messages).set({ status: "queued" }).where(eq(messages.id, message.id));

    const replay = await deliver(await twilioRequest(url, failed, authToken));

    expect(replay.body.data.result).toBe("duplicate");
    expect((await messageRow(message.id)).status).toBe("queued");
    expect(await eventsOf(message.id)).toHaveLength(1);
  });

  it("never moves the status backwards: a late sent after delivered is kept as an event only", async () => {
    const { authToken, sid, message, url } = await twilioSetup();

    await deliver(await twilioRequest(url, statusParams(sid, "delivered"), authToken));
    const late = await deliver(await twilioRequest(url, statusParams(sid, "sent"), authToken));
    await deliver(await twilioRequest(url, statusParams(sid, "failed", { ErrorCode: "30008" }), authToken));

    expect(late.status).toBe(200);
    expect((await messageRow(message.id)).status).toBe("delivered");
    expect((await eventsOf(message.id)).map((e) => e.status).sort()).toEqual(["delivered", "failed", "sent"]);
  });

  it("keeps a callback for an unknown MessageSid for diagnosis, once, and answers 200", async () => {
    const { providerId, tenantId, authToken, url } = await twilioSetup();
    const unknownSid = newMessageSid();
    const params = statusParams(unknownSid, "delivered");

    const answer = await deliver(await twilioRequest(url, params, authToken));
    const replay = await deliver(await twilioRequest(url, params, authToken));

    expect(answer.status).toBe(200);
    expect(answer.body.data.result).toBe("unmatched");
    expect(replay.body.data.result).toBe("duplicate");
    const kept = await unmatchedOf(providerId);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ tenantId, providerMessageId: unknownSid, kind: "delivered", status: "delivered", payload: params });
  });

  it("does not touch a message sent through another provider that happens to carry the same MessageSid", async () => {
    const { tenantId, authToken, sid, url, providerId } = await twilioSetup();
    const otherProvider = await addProvider({ tenantId, type: "twilio", config: configs.twilio() });
    const other = await outboundMessage(tenantId, { providerId: otherProvider, providerMessageId: newMessageSid() });
    const sameSidElsewhere = await outboundMessage(await newTenant(), { providerId: otherProvider, providerMessageId: sid });

    await deliver(await twilioRequest(url, statusParams(sid, "failed"), authToken));

    expect((await messageRow(sameSidElsewhere.id)).status).toBe("sent");
    expect((await messageRow(other.id)).status).toBe("sent");
    expect(await eventsOf(sameSidElsewhere.id)).toHaveLength(0);
    expect((await writtenFor(providerId)).events).toBe(1);
  });

  describe("with Relay's message id on the signed URL (?messageId=)", () => {
    it("finds a message whose MessageSid dispatch has not stored yet, and stores it", async () => {
      const { tenantId, providerId, authToken, url } = await twilioSetup();
      const inFlight = await outboundMessage(tenantId, { status: "sending", sentAt: null });
      const sid = newMessageSid();

      const answer = await deliver(await twilioRequest(`${url}?messageId=${inFlight.id}`, statusParams(sid, "delivered"), authToken));

      expect(answer.body.data).toEqual({ result: "recorded", messageIds: [inFlight.id] });
      const row = await messageRow(inFlight.id);
      expect(row).toMatchObject({ status: "delivered", providerId, providerMessageId: sid });
      expect(row.sentAt).not.toBeNull();
    });

    it("ignores a hint naming another tenant's message", async () => {
      const { providerId, authToken, url } = await twilioSetup();
      const foreign = await outboundMessage(await newTenant(), { status: "sending" });
      const sid = newMessageSid();

      const answer = await deliver(await twilioRequest(`${url}?messageId=${foreign.id}`, statusParams(sid, "delivered"), authToken));

      expect(answer.body.data.result).toBe("unmatched");
      expect((await messageRow(foreign.id)).status).toBe("sending");
      expect(await eventsOf(foreign.id)).toHaveLength(0);
      expect(await unmatchedOf(providerId)).toHaveLength(1);
    });
  });

  it("answers 400 to a signed callback without MessageSid, writing nothing", async () => {
    const { providerId, authToken, url } = await twilioSetup();

    const answer = await deliver(await twilioRequest(url, { MessageStatus: "delivered" }, authToken));

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("INVALID_INPUT");
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("answers 400 to a signed JSON variant whose body is not JSON", async () => {
    const { providerId, authToken, url } = await twilioSetup();

    const answer = await deliver(await twilioJsonRequest(url, "{not json", authToken));

    expect(answer.status).toBe(400);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });
});
