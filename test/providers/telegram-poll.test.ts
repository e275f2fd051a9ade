import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { inboundPollOffsets } from "../../shared/db/schema";
import worker from "../../workers/webhooks/index";
import { pollInbound } from "../../workers/webhooks/polling/poll-inbound";
import { recordInbound } from "../../workers/webhooks/recording/record-inbound";
import { db, insertProvider, newTenant } from "../support/d1-fixtures";
import { randomHex, telegramBotToken } from "./fixtures";
import { scenario } from "./scenario";

let nextUpdateId = 5000 + Math.floor(Math.random() * 100_000);

function messageUpdate(text: string) {
  const updateId = ++nextUpdateId;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      from: { id: 777, is_bot: false, first_name: "Grace" },
      chat: { id: 777, type: "private" },
      text,
    },
  };
}

/** A polling Telegram bot whose getUpdates answers `updates` (or `failure`), every time it is asked. */
async function pollingBot(updates: unknown[], options: { mode?: "poll" | "webhook"; failure?: { status: number; body: unknown } } = {}) {
  const botToken = telegramBotToken();
  const answer = options.failure ?? { status: 200, body: { ok: true, result: updates } };
  const server = await scenario({
    routes: { [`POST /bot${botToken}/getUpdates`]: answer as { status: number; body: Record<string, unknown> } },
  });
  const config = { botToken, mode: options.mode ?? "poll", secretToken: randomHex(16), baseUrl: server.baseUrl };
  const tenantId = await newTenant();
  const providerId = await insertProvider({ tenantId, type: "telegram", channel: "telegram", name: "polled bot", config });
  const getUpdatesBodies = async () => (await server.requests()).map((request) => JSON.parse(request.body) as Record<string, unknown>);
  return { providerId, tenantId, getUpdatesBodies };
}

const inboundOf = (providerId: string) => db().query.messages.findMany({ where: (m, { eq }) => eq(m.providerId, providerId) });
const offsetOf = async (providerId: string) =>
  (await db().query.inboundPollOffsets.findFirst({ where: (o, { eq }) => eq(o.providerId, providerId) }))?.nextOffset ?? null;

describe("Telegram poll mode (the webhooks cron)", () => {
  it("records the messages getUpdates brings, then stores the offset past them and asks from there", async () => {
    const updates = [messageUpdate("first"), { update_id: ++nextUpdateId, edited_message: { text: "edit" } }, messageUpdate("second")];
    const bot = await pollingBot(updates);

    await pollInbound(db(), env);

    const recorded = await inboundOf(bot.providerId);
    expect(recorded.map((m) => m.content.text).sort()).toEqual(["first", "second"]);
    expect(recorded.every((m) => m.channel === "telegram" && m.direction === "inbound" && m.sender === "777")).toBe(true);
    expect(await offsetOf(bot.providerId)).toBe(nextUpdateId + 1);

    await pollInbound(db(), env);

    const [first, second] = await bot.getUpdatesBodies();
    expect(first).toEqual({ limit: 100, timeout: 0, allowed_updates: ["message"] });
    expect(second).toEqual({ limit: 100, timeout: 0, allowed_updates: ["message"], offset: nextUpdateId + 1 });
    // The same updates again (the fake repeats itself): deduplicated by update_id.
    expect(await inboundOf(bot.providerId)).toHaveLength(2);
  });

  it("leaves the offset where it was when recording fails midway, so nothing is skipped and nothing doubled", async () => {
    const updates = [messageUpdate("one"), messageUpdate("two"), messageUpdate("three")];
    const bot = await pollingBot(updates);
    let calls = 0;
    const failingOnSecond: typeof recordInbound = async (database, inbound) => {
      if (inbound.provider.id === bot.providerId && ++calls === 2) throw new Error("D1 went away");
      return recordInbound(database, inbound);
    };

    await pollInbound(db(), env, failingOnSecond);

    expect((await inboundOf(bot.providerId)).map((m) => m.content.text)).toEqual(["one"]);
    expect(await offsetOf(bot.providerId)).toBeNull();

    await pollInbound(db(), env);

    expect((await inboundOf(bot.providerId)).map((m) => m.content.text).sort()).toEqual(["one", "three", "two"]);
    expect((await bot.getUpdatesBodies()).map((body) => body.offset)).toEqual([undefined, undefined]);
    expect(await offsetOf(bot.providerId)).toBe(nextUpdateId + 1);
  });

  it("never moves the offset backwards", async () => {
    const bot = await pollingBot([messageUpdate("late")]);
    await db()
      .insert(inboundPollOffsets)
      .values({ providerId: bot.providerId, nextOffset: nextUpdateId + 50, updatedAt: new Date().toISOString() });
    await pollInbound(db(), env);
    expect(await offsetOf(bot.providerId)).toBe(nextUpdateId + 50);
  });

  it("does not poll a bot in webhook mode, and records nothing when getUpdates fails", async () => {
    const webhookBot = await pollingBot([messageUpdate("not polled")], { mode: "webhook" });
    const conflicted = await pollingBot([], {
      failure: {
        status: 409,
        body: { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active" },
      },
    });

    await pollInbound(db(), env);

    expect(await webhookBot.getUpdatesBodies()).toEqual([]);
    expect(await conflicted.getUpdatesBodies()).toHaveLength(1);
    expect(await inboundOf(conflicted.providerId)).toEqual([]);
    expect(await offsetOf(conflicted.providerId)).toBeNull();
  });

  it("skips a provider whose sealed config this worker cannot open, and polls the others", async () => {
    const bot = await pollingBot([messageUpdate("still polled")]);
    const broken = await pollingBot([messageUpdate("never read")]);
    await env.DB.prepare("UPDATE provider_configs SET key_version = 99 WHERE id = ?").bind(broken.providerId).run();

    await pollInbound(db(), env);

    expect((await inboundOf(bot.providerId)).map((m) => m.content.text)).toEqual(["still polled"]);
    expect(await broken.getUpdatesBodies()).toEqual([]);
  });

  it("runs from the webhooks worker's scheduled handler", async () => {
    const bot = await pollingBot([messageUpdate("from the cron")]);
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: new Date() }), env);
    expect((await inboundOf(bot.providerId)).map((m) => m.content.text)).toEqual(["from the cron"]);
  });
});
