import { describe, expect, inject, it } from "vitest";
import { providerFor } from "../../shared/providers/provider-factory";
import { chatMessage, LOCAL_OUTBOUND, patience, telegramBotToken } from "./fixtures";
import { answering, closedUrl, type Scenario, throughPrism } from "./scenario";

function telegram(baseUrl: string, botToken = telegramBotToken()) {
  return { botToken, provider: providerFor("telegram", "prv_telegram1", { botToken, baseUrl }, { outbound: LOCAL_OUTBOUND }) };
}

async function onlyRequest(server: Scenario) {
  const requests = await server.requests();
  expect(requests).toHaveLength(1);
  return requests[0];
}

const failure = (status: number, description: string, parameters?: Record<string, unknown>) => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

describe("telegram send against the Prism mock of the Bot API", () => {
  it("posts sendMessage with the chat id as a number, in a request valid per the spec", async () => {
    const server = await throughPrism("telegram");
    const { botToken, provider } = telegram(server.baseUrl);
    const outcome = await provider.send(chatMessage("telegram", { to: "-1001234567890" }), patience());

    const request = await onlyRequest(server);
    expect(request).toMatchObject({ method: "POST", path: `/bot${botToken}/sendMessage`, upstreamStatus: 200 });
    expect(JSON.parse(request.body)).toEqual({ chat_id: -1001234567890, text: "Your order has shipped" });
    expect(outcome).toEqual({ kind: "sent", providerMessageId: expect.stringMatching(/^-?\d+:\d+$/) });
  });

  it("posts into the thread of content.thread (message_thread_id) and to an @channel by name", async () => {
    const server = await throughPrism("telegram");
    const { provider } = telegram(server.baseUrl);
    const message = chatMessage("telegram", { to: "@relay_news", content: { text: "in the topic", thread: "77" } });
    expect((await provider.send(message, patience())).kind).toBe("sent");
    const request = await onlyRequest(server);
    expect(request.upstreamStatus).toBe(200);
    expect(JSON.parse(request.body)).toEqual({ chat_id: "@relay_news", text: "in the topic", message_thread_id: 77 });
  });

  it("has Prism reject a request that breaks the spec, so a 200 above means a valid request", async () => {
    const response = await fetch(`${inject("providerServers").prism.telegram}/bot${telegramBotToken()}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: 42, text: "x", thread_ts: "1.2" }),
    });
    expect(response.status).toBe(422);
  });
});

/** A scenario answering one Bot API method of a fresh token as told. */
async function botAnswering(method: string, behaviour: Parameters<typeof answering>[1]) {
  const botToken = telegramBotToken();
  const server = await answering(`POST /bot${botToken}/${method}`, behaviour);
  return { server, ...telegram(server.baseUrl, botToken) };
}

describe("telegram outcomes", () => {
  it("names the sent message by chat and message id", async () => {
    const { provider } = await botAnswering("sendMessage", {
      status: 200,
      body: { ok: true, result: { message_id: 4711, date: 1, chat: { id: 42, type: "private" }, text: "x" } },
    });
    expect(await provider.send(chatMessage("telegram", { to: "42" }), patience())).toEqual({ kind: "sent", providerMessageId: "42:4711" });
  });

  it("429 is unavailable and honours retry_after", async () => {
    const { provider } = await botAnswering("sendMessage", failure(429, "Too Many Requests: retry after 17", { retry_after: 17 }));
    expect(await provider.send(chatMessage("telegram"), patience())).toEqual({
      kind: "unavailable",
      code: "retry_after_17",
      message: "Too Many Requests: retry after 17",
      retryAfterSeconds: 17,
    });
  });

  it.each([
    [400, "Bad Request: chat not found", "chat_not_found"],
    [403, "Forbidden: bot was blocked by the user", "bot_was_blocked_by_the_user"],
    [400, "Bad Request: message thread not found", "message_thread_not_found"],
  ])("HTTP %i %s blames the recipient: rejected", async (status, description, code) => {
    const { provider } = await botAnswering("sendMessage", failure(status, description));
    expect(await provider.send(chatMessage("telegram"), patience())).toEqual({ kind: "rejected", code, message: description });
  });

  it.each([
    [500, "Internal Server Error"],
    [502, "Bad Gateway"],
    [401, "Unauthorized"],
    [404, "Not Found"],
  ])("HTTP %i blames the provider: unavailable", async (status, description) => {
    const { provider } = await botAnswering("sendMessage", failure(status, description));
    expect(await provider.send(chatMessage("telegram"), patience())).toMatchObject({ kind: "unavailable" });
  });

  it("a body that is not the Bot API's, a timeout or a refused connection is unavailable", async () => {
    const { provider } = await botAnswering("sendMessage", { status: 502, body: "<html>bad gateway</html>" });
    expect(await provider.send(chatMessage("telegram"), patience())).toMatchObject({ kind: "unavailable", code: "http_502" });
    const hanging = await botAnswering("sendMessage", { hang: true });
    expect(await hanging.provider.send(chatMessage("telegram"), AbortSignal.timeout(300))).toMatchObject({ code: "timeout" });
    expect(await telegram(closedUrl()).provider.send(chatMessage("telegram"), patience())).toMatchObject({ code: "network_error" });
  });

  it("never repeats the bot token, even when an answer echoes it", async () => {
    const botToken = telegramBotToken();
    const server = await answering(`POST /bot${botToken}/sendMessage`, failure(400, `Bad Request: token ${botToken} is odd`));
    const outcome = await telegram(server.baseUrl, botToken).provider.send(chatMessage("telegram"), patience());
    expect(outcome.kind).toBe("rejected");
    expect(JSON.stringify(outcome)).not.toContain(botToken.split(":")[1]);
  });

  it("refuses a message without text before calling anyone", async () => {
    const { server, provider } = await botAnswering("sendMessage", { status: 500 });
    expect(await provider.send(chatMessage("telegram", { content: { html: "<b>x</b>" } }), patience())).toMatchObject({
      kind: "rejected",
      code: "missing_text",
    });
    expect(await server.requests()).toHaveLength(0);
  });
});

describe("telegram check", () => {
  it("asks getMe, in a request valid per the spec, and names the bot", async () => {
    const server = await throughPrism("telegram");
    const { botToken, provider } = telegram(server.baseUrl);
    const result = await provider.check(patience());
    expect(result).toEqual({ ok: true, message: expect.stringMatching(/^reachable: the bot @\w+ accepts the token$/) });
    expect(await onlyRequest(server)).toMatchObject({ method: "POST", path: `/bot${botToken}/getMe`, upstreamStatus: 200 });
  });

  it("reports a refused token without the token, and an unreachable server without throwing", async () => {
    const { botToken, provider } = await botAnswering("getMe", failure(401, "Unauthorized"));
    const refused = await provider.check(patience());
    expect(refused).toEqual({ ok: false, message: "reachable, but Telegram refused the credentials (401)" });
    expect(JSON.stringify(refused)).not.toContain(botToken);
    expect((await telegram(closedUrl()).provider.check(patience())).ok).toBe(false);
  });
});
