import { describe, expect, inject, it } from "vitest";
import type { Provider } from "../../shared/providers/provider";
import { providerFor } from "../../shared/providers/provider-factory";
import { chatMessage, LOCAL_OUTBOUND, patience, randomHex } from "./fixtures";
import { answering, closedUrl, type Scenario, scenario, throughPrism } from "./scenario";

const botToken = () => `xoxb-${randomHex(6)}-${randomHex(6)}-${randomHex(12)}`;

function slack(baseUrl: string, token = botToken()) {
  const config = { botToken: token, signingSecret: randomHex(16), baseUrl };
  return { token, provider: providerFor("slack", "prv_slack1", config, { outbound: LOCAL_OUTBOUND }) as Required<Provider> };
}

async function onlyRequest(server: Scenario) {
  const requests = await server.requests();
  expect(requests).toHaveLength(1);
  return requests[0];
}

const slackError = (error: string) => ({ status: 200, body: { ok: false, error } });

describe("slack send against the Prism mock of the Web API", () => {
  it("posts chat.postMessage with the bearer token and Relay's message id as metadata, valid per the spec", async () => {
    const server = await throughPrism("slack");
    const { token, provider } = slack(server.baseUrl);
    const message = chatMessage("slack");
    const outcome = await provider.send(message, patience());

    const request = await onlyRequest(server);
    expect(request).toMatchObject({ method: "POST", path: "/chat.postMessage", upstreamStatus: 200 });
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(JSON.parse(request.body)).toEqual({
      channel: "C0123456789",
      text: "Your order has shipped",
      metadata: { event_type: "relay_message", event_payload: { relay_message_id: message.id } },
    });
    expect(outcome).toEqual({ kind: "sent", providerMessageId: expect.stringMatching(/^\d+\.\d+$/) });
  });

  it("replies in the thread of content.thread (thread_ts)", async () => {
    const server = await throughPrism("slack");
    const message = chatMessage("slack", { content: { text: "on it", thread: "1712345678.000100" } });
    expect((await slack(server.baseUrl).provider.send(message, patience())).kind).toBe("sent");
    const request = await onlyRequest(server);
    expect(request.upstreamStatus).toBe(200);
    expect(JSON.parse(request.body)).toMatchObject({ thread_ts: "1712345678.000100", text: "on it" });
  });

  it("has Prism reject a request that breaks the spec, so a 200 above means a valid request", async () => {
    const response = await fetch(`${inject("providerServers").prism.slack}/chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${botToken()}`, "content-type": "application/json" },
      body: JSON.stringify({ channel: "#general", text: "x" }),
    });
    expect(response.status).toBe(422);
  });
});

describe("slack outcomes", () => {
  it("returns the ts Slack gives as the provider message id", async () => {
    const server = await answering("POST /chat.postMessage", { status: 200, body: { ok: true, channel: "C0123456789", ts: "1712.5" } });
    expect(await slack(server.baseUrl).provider.send(chatMessage("slack"), patience())).toEqual({
      kind: "sent",
      providerMessageId: "1712.5",
    });
  });

  it("ratelimited (ok:false) and HTTP 429 with Retry-After are unavailable", async () => {
    const limited = await answering("POST /chat.postMessage", slackError("ratelimited"));
    expect(await slack(limited.baseUrl).provider.send(chatMessage("slack"), patience())).toMatchObject({
      kind: "unavailable",
      code: "ratelimited",
    });
    const http429 = await answering("POST /chat.postMessage", { status: 429, headers: { "retry-after": "30" }, body: "" });
    expect(await slack(http429.baseUrl).provider.send(chatMessage("slack"), patience())).toEqual({
      kind: "unavailable",
      code: "ratelimited",
      message: "Slack answered ratelimited",
      retryAfterSeconds: 30,
    });
  });

  it.each(["channel_not_found", "not_in_channel", "is_archived", "msg_too_long"])("%s blames the message: rejected", async (error) => {
    const server = await answering("POST /chat.postMessage", slackError(error));
    expect(await slack(server.baseUrl).provider.send(chatMessage("slack"), patience())).toEqual({
      kind: "rejected",
      code: error,
      message: `Slack answered ${error}`,
    });
  });

  it.each(["invalid_auth", "token_revoked", "fatal_error", "internal_error"])("%s blames the provider: unavailable", async (error) => {
    const server = await answering("POST /chat.postMessage", slackError(error));
    expect(await slack(server.baseUrl).provider.send(chatMessage("slack"), patience())).toMatchObject({ kind: "unavailable", code: error });
  });

  it("a 5xx, a timeout or a refused connection is unavailable", async () => {
    const server = await answering("POST /chat.postMessage", { status: 503, body: "upstream down" });
    expect(await slack(server.baseUrl).provider.send(chatMessage("slack"), patience())).toMatchObject({ code: "http_503" });
    const hanging = await answering("POST /chat.postMessage", { hang: true });
    expect(await slack(hanging.baseUrl).provider.send(chatMessage("slack"), AbortSignal.timeout(300))).toMatchObject({ code: "timeout" });
    expect(await slack(closedUrl()).provider.send(chatMessage("slack"), patience())).toMatchObject({ code: "network_error" });
  });
});

describe("slack findSent: Relay's message id in the post's metadata", () => {
  const since = new Date("2026-04-01T12:00:00Z");
  const posted = (ts: string, relayMessageId: string) => ({
    type: "message",
    ts,
    bot_id: "B0123456",
    metadata: { event_type: "relay_message", event_payload: { relay_message_id: relayMessageId } },
  });

  it("lists the channel's history since the message was accepted, in a request valid per the spec", async () => {
    const server = await throughPrism("slack");
    const answer = await slack(server.baseUrl).provider.findSent(chatMessage("slack"), since, patience());
    expect(answer).toEqual({ kind: "listed", ids: [] });
    const request = await onlyRequest(server);
    expect(request.upstreamStatus).toBe(200);
    const url = new URL(request.path, "http://x");
    expect(url.pathname).toBe("/conversations.history");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      channel: "C0123456789",
      oldest: (since.getTime() / 1000 - 300).toFixed(6),
      include_all_metadata: "true",
      limit: "200",
    });
    expect(Number(url.searchParams.get("oldest"))).toBeLessThan(since.getTime() / 1000);
  });

  it("finds exactly the post of this message, across pages, and in a thread through conversations.replies", async () => {
    const message = chatMessage("slack", { content: { text: "x", thread: "1712345678.000100" } });
    const server = await scenario({
      routes: {
        "GET /conversations.replies": {
          status: 200,
          body: { ok: true, messages: [posted("1.1", "msg_other"), posted("1.2", message.id), { type: "message", ts: "1.3", text: "x" }] },
        },
      },
    });
    expect(await slack(server.baseUrl).provider.findSent(message, since, patience())).toEqual({ kind: "listed", ids: ["1.2"] });
    const [request] = await server.requests();
    expect(new URL(request.path, "http://x").searchParams.get("ts")).toBe("1712345678.000100");
  });

  it("a rate limit is asked again later; a token without history scope cannot tell (the message is sent)", async () => {
    const limited = await answering("GET /conversations.history", { status: 429, headers: { "retry-after": "60" }, body: "" });
    expect(await slack(limited.baseUrl).provider.findSent(chatMessage("slack"), since, patience())).toMatchObject({
      kind: "unavailable",
      retryAfterSeconds: 60,
    });
    const noScope = await answering("GET /conversations.history", slackError("missing_scope"));
    expect(await slack(noScope.baseUrl).provider.findSent(chatMessage("slack"), since, patience())).toMatchObject({ kind: "unsupported" });
    expect(await slack(closedUrl()).provider.findSent(chatMessage("slack"), since, patience())).toMatchObject({ kind: "unavailable" });
  });
});

describe("slack check", () => {
  it("calls auth.test with the token, valid per the spec, and names the workspace", async () => {
    const server = await throughPrism("slack");
    const { token, provider } = slack(server.baseUrl);
    expect(await provider.check(patience())).toEqual({
      ok: true,
      message: expect.stringMatching(/^reachable: the token is valid for the workspace /),
    });
    const request = await onlyRequest(server);
    expect(request).toMatchObject({ method: "POST", path: "/auth.test", upstreamStatus: 200 });
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("reports a refused token by Slack's error name, never the token", async () => {
    const server = await answering("POST /auth.test", slackError("invalid_auth"));
    const { token, provider } = slack(server.baseUrl);
    const result = await provider.check(patience());
    expect(result).toEqual({ ok: false, message: "reachable, but Slack refused the credentials (200 invalid_auth)" });
    expect(JSON.stringify(result)).not.toContain(token);
  });
});
