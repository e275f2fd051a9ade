import { describe, expect, it } from "vitest";
import { addProvider, batchOf, consume, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";
import { randomHex } from "./fixtures";
import { scenario } from "./scenario";

const CHANNEL = "C0RELAY001";

/**
 * Dispatch in the Workers runtime with a fake Slack on 127.0.0.1: a Slack message taken over
 * from a lapsed lease is looked up by the Relay message id each post carries as metadata.
 */
async function slackTenant(
  history: (messageId: string) => { status: number; headers?: Record<string, string>; body?: Record<string, unknown> },
) {
  const tenantId = await newTenant();
  const id = `msg_${randomHex(10)}`;
  const server = await scenario({
    routes: {
      "GET /conversations.history": history(id),
      "POST /chat.postMessage": { status: 200, body: { ok: true, channel: CHANNEL, ts: "1712345999.000100" } },
    },
  });
  const config = { botToken: `xoxb-${randomHex(6)}-${randomHex(12)}`, signingSecret: randomHex(16), baseUrl: server.baseUrl };
  const providerId = await addProvider({ tenantId, type: "slack", channel: "slack", config });
  const message = await queuedMessage(tenantId, {
    id,
    channel: "slack",
    recipient: CHANNEL,
    content: { text: "It ships today" },
    status: "sending",
    attempts: 1,
    leaseExpiresAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const posts = async () => (await server.requests()).filter((request) => request.method === "POST");
  return { providerId, message, posts };
}

const posted = (ts: string, relayMessageId: string) => ({
  type: "message",
  ts,
  bot_id: "B0RELAY01",
  metadata: { event_type: "relay_message", event_payload: { relay_message_id: relayMessageId } },
});

describe("dispatch reconciles with Slack before posting again", () => {
  it("the post carrying this message's id is recorded as the send, and nothing is posted", async () => {
    const { message, providerId, posts } = await slackTenant((id) => ({
      status: 200,
      body: { ok: true, messages: [posted("1712345001.000200", "msg_someoneelse"), posted("1712345000.000100", id)] },
    }));

    await consume(batchOf([message], "delivery", 2));

    expect(await posts()).toEqual([]);
    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerId, providerMessageId: "1712345000.000100" });
    expect((await eventsOf(message.id)).some((event) => (event.reason ?? "").startsWith("found already sent"))).toBe(true);
  });

  it("no post of this message in the history: it is posted", async () => {
    const { message, posts } = await slackTenant(() => ({ status: 200, body: { ok: true, messages: [posted("1.1", "msg_other")] } }));

    await consume(batchOf([message], "delivery", 2));

    expect(await posts()).toHaveLength(1);
    expect(await messageRow(message.id)).toMatchObject({ status: "sent", providerMessageId: "1712345999.000100" });
  });

  it("Slack rate-limits the lookup: nothing is posted and the message waits", async () => {
    const { message, posts } = await slackTenant(() => ({
      status: 429,
      headers: { "retry-after": "30" },
      body: { ok: false, error: "ratelimited" },
    }));

    const result = await consume(batchOf([message], "delivery", 2));

    expect(await posts()).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    expect((await messageRow(message.id)).status).toBe("sending");
  });
});
