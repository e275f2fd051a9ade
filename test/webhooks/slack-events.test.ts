import { describe, expect, it } from "vitest";
import {
  addProvider,
  configs,
  deliver,
  eventsOf,
  messagesOfProvider,
  newTenant,
  WEBHOOKS_ORIGIN,
  writtenFor,
} from "../support/webhook-fixtures";
import { eventCallback, newEventId, personMessage, slackRequest } from "./helpers/slack";

async function slackSetup() {
  const tenantId = await newTenant();
  const config = configs.slack();
  const providerId = await addProvider({ tenantId, type: "slack", config });
  return { tenantId, providerId, secret: config.signingSecret, url: `${WEBHOOKS_ORIGIN}/webhooks/slack/${providerId}` };
}

describe("Slack Events API", () => {
  it("answers the URL verification with its challenge, writing nothing", async () => {
    const { providerId, secret, url } = await slackSetup();
    const body = JSON.stringify({
      token: "t",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      type: "url_verification",
    });

    const answer = await deliver(await slackRequest(url, secret, body));

    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain("text/plain");
    expect(answer.text).toBe("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("records a person's message as an inbound message of the provider's tenant", async () => {
    const { tenantId, providerId, secret, url } = await slackSetup();
    const event = personMessage({ thread_ts: "1712345678.000100" });
    const body = eventCallback(event);

    const answer = await deliver(await slackRequest(url, secret, body));

    expect(answer.status).toBe(200);
    expect(answer.body.data.result).toBe("recorded");
    const [message] = await messagesOfProvider(providerId);
    expect(message).toMatchObject({
      tenantId,
      channel: "slack",
      direction: "inbound",
      status: "delivered",
      recipient: "T0RELAY01",
      sender: "C0RELAY001",
      content: { text: "Is my order on its way?" },
      providerMessageId: event.ts,
    });
    const [recorded] = await eventsOf(message.id);
    const { token: _verificationToken, ...payload } = JSON.parse(body);
    expect(recorded).toMatchObject({ status: "delivered", source: "provider", rawPayload: payload });
    expect(JSON.stringify(recorded.rawPayload)).not.toContain("unused-verification-token");
  });

  it("records a retried delivery (same event_id) once", async () => {
    const { providerId, secret, url } = await slackSetup();
    const body = eventCallback(personMessage());

    const first = await deliver(await slackRequest(url, secret, body));
    const retry = await deliver(
      await slackRequest(url, secret, body, { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } }),
    );

    expect([first.body.data.result, retry.body.data.result]).toEqual(["recorded", "duplicate"]);
    expect(await messagesOfProvider(providerId)).toHaveLength(1);
  });

  it("ignores the bot's own posts, other bots', edits and other events", async () => {
    const { providerId, secret, url } = await slackSetup();
    const ignored = [
      personMessage({ bot_id: "B0RELAY01", user: undefined }),
      personMessage({ subtype: "bot_message", bot_id: "B0OTHER01" }),
      personMessage({ subtype: "message_changed" }),
      personMessage({ subtype: "channel_join" }),
      { type: "reaction_added", user: "U0ADA00001", reaction: "thumbsup" },
    ];
    for (const event of ignored) {
      const answer = await deliver(await slackRequest(url, secret, eventCallback(event)));
      expect(answer.body.data.result, JSON.stringify(event)).toBe("ignored");
    }
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("refuses a forged, tampered, stale or unsigned request and writes nothing", async () => {
    const { providerId, secret, url } = await slackSetup();
    const body = eventCallback(personMessage());
    const now = Math.floor(Date.now() / 1000);
    const requests = [
      await slackRequest(url, "another-apps-signing-secret", body),
      await slackRequest(url, secret, body.replace("on its way", "free"), { signedBody: body }),
      await slackRequest(url, secret, body, { timestamp: now - 301 }),
      await slackRequest(url, secret, body, { timestamp: now + 301 }),
      await slackRequest(url, secret, body, { signature: "v0=not-hex" }),
      new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body }),
    ];
    for (const request of requests) expect((await deliver(request)).status).toBe(401);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("replayed within the window, a signed request records nothing new", async () => {
    const { providerId, secret, url } = await slackSetup();
    const eventId = newEventId();
    const body = eventCallback(personMessage(), eventId);
    const signed = await slackRequest(url, secret, body, { timestamp: Math.floor(Date.now() / 1000) - 200 });
    await deliver(signed.clone());
    const replay = await deliver(signed);
    expect(replay.body.data.result).toBe("duplicate");
    expect(await writtenFor(providerId)).toEqual({ events: 1, unmatched: 0 });
  });

  it("answers 400 to a signed body that is not JSON", async () => {
    const { secret, url } = await slackSetup();
    expect((await deliver(await slackRequest(url, secret, "payload=%7B%7D"))).status).toBe(400);
  });
});
