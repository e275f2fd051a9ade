import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeSlack, postSlackEvent, startFakeSlack } from "../support/node/fakes/fake-slack";
import { type FakeTelegram, postTelegramUpdate, startFakeTelegram } from "../support/node/fakes/fake-telegram";
import { addProvider } from "./harness/providers-setup";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Message = {
  id: string;
  channel: string;
  direction: string;
  status: string;
  to: string;
  from: string | null;
  content: { text?: string };
};

let stack: StackProcess;
let relay: RelayClient;
let telegram: FakeTelegram;
let polledTelegram: FakeTelegram;
let slack: FakeSlack;
let telegramId: string;
let polledId: string;
let slackId: string;
const creds = fakeCredentials();
const polledCreds = fakeCredentials();
let nextUpdateId = 1000;

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayClient(() => stack.credentials);
  telegram = await startFakeTelegram(creds.telegram.botToken);
  polledTelegram = await startFakeTelegram(polledCreds.telegram.botToken);
  slack = await startFakeSlack(creds.slack.botToken);
  const tenantId = stack.credentials.tenantId;
  telegramId = await addProvider(relay, tenantId, {
    type: "telegram",
    name: "webhook bot",
    config: { ...creds.telegram, baseUrl: telegram.baseUrl },
  });
  polledId = await addProvider(relay, tenantId, {
    type: "telegram",
    name: "polled bot",
    priority: 1,
    config: { botToken: polledCreds.telegram.botToken, mode: "poll", baseUrl: polledTelegram.baseUrl },
  });
  slackId = await addProvider(relay, tenantId, { type: "slack", name: "slack", config: { ...creds.slack, baseUrl: slack.baseUrl } });
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([telegram?.close(), polledTelegram?.close(), slack?.close()]);
});

const inbound = async (channel: string) =>
  (await relay.asTenant<{ items: Message[] }>("GET", `/v1/messages?channel=${channel}&limit=100`)).body.data.items.filter(
    (message) => message.direction === "inbound",
  );
const webhookUrl = (type: string, providerId: string) => `${stack.credentials.webhooksUrl}/webhooks/${type}/${providerId}`;

function telegramUpdate(text: string, threadId?: number) {
  const updateId = ++nextUpdateId;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      ...(threadId ? { message_thread_id: threadId, is_topic_message: true } : {}),
      date: Math.floor(Date.now() / 1000),
      from: { id: 4242, is_bot: false, first_name: "Ada" },
      chat: { id: -1009876, type: "supergroup", title: "Support", is_forum: true },
      text,
    },
  };
}

describe("chat channels on the real stack", () => {
  it("a signed Slack event becomes an inbound message; a forged, stale or retried one writes nothing", async () => {
    const event = { type: "message", channel: "C0RELAY001", user: "U0ADA00001", text: "where is my order?", ts: "1712345678.000100" };
    const body = { type: "event_callback", team_id: "T0RELAY01", event_id: "Ev0E2E0001", event };

    const verified = await postSlackEvent(webhookUrl("slack", slackId), creds.slack.signingSecret, body);
    const retried = await postSlackEvent(webhookUrl("slack", slackId), creds.slack.signingSecret, body);
    const forged = await postSlackEvent(webhookUrl("slack", slackId), "not-the-signing-secret", { ...body, event_id: "Ev0E2E0002" });
    const stale = await postSlackEvent(
      webhookUrl("slack", slackId),
      creds.slack.signingSecret,
      { ...body, event_id: "Ev0E2E0003" },
      {
        timestamp: Math.floor(Date.now() / 1000) - 600,
      },
    );

    expect([verified.status, retried.status, forged.status, stale.status]).toEqual([200, 200, 401, 401]);
    const messages = await inbound("slack");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      status: "delivered",
      to: "T0RELAY01",
      from: "C0RELAY001",
      content: { text: "where is my order?" },
    });

    const challenge = await postSlackEvent(webhookUrl("slack", slackId), creds.slack.signingSecret, {
      type: "url_verification",
      challenge: "c-123",
    });
    expect(await challenge.text()).toBe("c-123");
  });

  it("a Telegram update by webhook becomes an inbound message; a wrong secret token writes nothing", async () => {
    const update = telegramUpdate("by webhook", 7);
    const accepted = await postTelegramUpdate(webhookUrl("telegram", telegramId), creds.telegram.secretToken, update);
    const forged = await postTelegramUpdate(webhookUrl("telegram", telegramId), `${creds.telegram.secretToken}0`, telegramUpdate("forged"));
    const replayed = await postTelegramUpdate(webhookUrl("telegram", telegramId), creds.telegram.secretToken, update);

    expect([accepted.status, forged.status, replayed.status]).toEqual([200, 401, 200]);
    const messages = await inbound("telegram");
    expect(messages.map((m) => m.content.text)).toEqual(["by webhook"]);
    expect(messages[0]).toMatchObject({ from: "-1009876", to: creds.telegram.botToken.split(":")[0] });
  });

  it("a Telegram update polled by the cron becomes an inbound message, once, and the offset moves past it", async () => {
    polledTelegram.pushUpdate(telegramUpdate("by polling"));
    const polled = await eventually(async () => {
      const found = (await inbound("telegram")).filter((m) => m.content.text === "by polling");
      return found.length > 0 ? found : undefined;
    });
    expect(polled).toHaveLength(1);
    expect(polled[0]).toMatchObject({ providerId: polledId, status: "delivered", to: polledCreds.telegram.botToken.split(":")[0] });
    // The next polls ask from past it (which, at Telegram, confirms it).
    await eventually(async () => (polledTelegram.getUpdatesCalls.some((call) => call.offset === nextUpdateId + 1) ? true : undefined));
    expect((await inbound("telegram")).filter((m) => m.content.text === "by polling")).toHaveLength(1);
  });

  it("sends on both channels reach the fakes in their thread and show sent", async () => {
    const toTelegram = await relay.asTenant<Message>("POST", "/v1/messages", {
      channel: "telegram",
      to: "-1009876",
      content: { text: "It ships today", thread: "7" },
    });
    const toSlack = await relay.asTenant<Message>("POST", "/v1/messages", {
      channel: "slack",
      to: "C0RELAY001",
      content: { text: "It ships today", thread: "1712345678.000100" },
    });
    expect([toTelegram.status, toSlack.status]).toEqual([202, 202]);
    for (const id of [toTelegram.body.data.id, toSlack.body.data.id])
      await eventually(async () =>
        (await relay.asTenant<Message>("GET", `/v1/messages/${id}`)).body.data.status === "sent" ? true : undefined,
      );

    expect(telegram.sends).toEqual([{ chatId: -1009876, text: "It ships today", threadId: 7, messageId: 1 }]);
    expect(polledTelegram.sends).toEqual([]);
    expect(slack.posts).toEqual([
      {
        channel: "C0RELAY001",
        text: "It ships today",
        threadTs: "1712345678.000100",
        ts: expect.any(String),
        metadata: { event_type: "relay_message", event_payload: { relay_message_id: toSlack.body.data.id } },
      },
    ]);
  });

  it("refuses a chat message with a recipient or thread of the wrong shape, naming the field", async () => {
    const badTelegram = await relay.asTenant("POST", "/v1/messages", { channel: "telegram", to: "#general", content: { text: "x" } });
    const badThread = await relay.asTenant("POST", "/v1/messages", {
      channel: "slack",
      to: "C0RELAY001",
      content: { text: "x", thread: "7" },
    });
    expect([badTelegram.status, badThread.status]).toEqual([400, 400]);
  });
});
