import { describe, expect, it } from "vitest";
import {
  addProvider,
  configs,
  db,
  deliver,
  eventsOf,
  messagesOfProvider,
  newTenant,
  WEBHOOKS_ORIGIN,
  writtenFor,
} from "../support/webhook-fixtures";
import { messageUpdate, telegramRequest } from "./helpers/telegram";

async function telegramSetup(overrides: Record<string, unknown> = {}) {
  const tenantId = await newTenant();
  const config = configs.telegram(overrides);
  const providerId = await addProvider({ tenantId, type: "telegram", config });
  const botId = String(config.botToken).split(":")[0];
  return {
    tenantId,
    providerId,
    botId,
    secretToken: config.secretToken as string,
    url: `${WEBHOOKS_ORIGIN}/webhooks/telegram/${providerId}`,
  };
}

describe("Telegram webhook updates", () => {
  it("records a person's message as an inbound message from the chat to the bot", async () => {
    const { tenantId, providerId, botId, secretToken, url } = await telegramSetup();
    const update = messageUpdate();

    const answer = await deliver(telegramRequest(url, update, secretToken));

    expect(answer.status).toBe(200);
    expect(answer.body.data.result).toBe("recorded");
    const [message] = await messagesOfProvider(providerId);
    const sent = update.message as { message_id: number };
    expect(message).toMatchObject({
      tenantId,
      channel: "telegram",
      direction: "inbound",
      status: "delivered",
      recipient: botId,
      sender: "424242",
      content: { text: "Where is my parcel?" },
      providerMessageId: `424242:${sent.message_id}`,
    });
    const [event] = await eventsOf(message.id);
    expect(event).toMatchObject({ status: "delivered", source: "provider", providerId, rawPayload: update });
  });

  it("keeps a photo's caption as the body, its file as a pending attachment named by file_id (no URL with the token)", async () => {
    // Nothing listens there: the fetch after the answer fails, and the attachment waits for the cron.
    const { providerId, secretToken, url } = await telegramSetup({ baseUrl: "http://127.0.0.1:9" });
    const photo = [
      { file_id: "small-file", file_unique_id: "s", width: 90, height: 90 },
      { file_id: "large-file", file_unique_id: "l", width: 1280, height: 1280 },
    ];
    await deliver(telegramRequest(url, messageUpdate({ text: undefined, caption: "the dent", photo }), secretToken));
    const [message] = await messagesOfProvider(providerId);
    expect(message.content).toEqual({ text: "the dent" });
    expect(message.metadata).toEqual({});
    const attachments = await db().query.media.findMany({ where: (m, { eq }) => eq(m.messageId, message.id) });
    expect(attachments).toMatchObject([{ source: "telegram-file:large-file", contentType: "image/jpeg", status: "pending", attempts: 1 }]);
  });

  it("records a replayed update (same update_id) once", async () => {
    const { providerId, secretToken, url } = await telegramSetup();
    const update = messageUpdate();
    const first = await deliver(telegramRequest(url, update, secretToken));
    const replay = await deliver(telegramRequest(url, update, secretToken));
    expect([first.body.data.result, replay.body.data.result]).toEqual(["recorded", "duplicate"]);
    expect(await writtenFor(providerId)).toEqual({ events: 1, unmatched: 0 });
  });

  it("ignores edits, other updates and bots' messages", async () => {
    const { providerId, secretToken, url } = await telegramSetup();
    const edited = messageUpdate();
    const updates = [
      { update_id: edited.update_id, edited_message: edited.message },
      { update_id: 7, callback_query: { id: "1", data: "x" } },
      messageUpdate({ from: { id: 99, is_bot: true, first_name: "OtherBot" } }),
    ];
    for (const update of updates) expect((await deliver(telegramRequest(url, update, secretToken))).body.data.result).toBe("ignored");
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("refuses a wrong, missing or unconfigured secret token and writes nothing", async () => {
    const { providerId, secretToken, url } = await telegramSetup();
    const update = messageUpdate();
    for (const token of [`${secretToken}x`, secretToken.slice(1), "", null]) {
      expect((await deliver(telegramRequest(url, update, token))).status, String(token)).toBe(401);
    }
    const unset = await telegramSetup({ secretToken: undefined, mode: "poll" });
    expect((await deliver(telegramRequest(unset.url, update, "anything-at-all-here"))).status).toBe(401);
    expect(await writtenFor(providerId)).toEqual({ events: 0, unmatched: 0 });
    expect(await writtenFor(unset.providerId)).toEqual({ events: 0, unmatched: 0 });
  });

  it("answers 400 to a verified body that is not an update", async () => {
    const { secretToken, url } = await telegramSetup();
    expect((await deliver(telegramRequest(url, { message: "hi" }, secretToken))).status).toBe(400);
  });
});
