import { describe, expect, inject, it } from "vitest";
import type { AdapterContext } from "../../shared/providers/provider";
import { providerFor } from "../../shared/providers/provider-factory";
import { fakeSecret, LOCAL_OUTBOUND, patience, randomHex, smsMessage } from "./fixtures";
import { answering, closedUrl, type Scenario, throughPrism } from "./scenario";

const WEBHOOKS = "https://relay-webhooks.test";

function credentials() {
  return { accountSid: `AC${randomHex(16)}`, authToken: fakeSecret() };
}

function twilio(config: Record<string, unknown>, context: AdapterContext = { webhooksPublicUrl: WEBHOOKS, outbound: LOCAL_OUTBOUND }) {
  return providerFor("twilio", "prv_twilio1", config, context);
}

function messagesRoute(accountSid: string): string {
  return `POST /2010-04-01/Accounts/${accountSid}/Messages.json`;
}

async function onlyRequest(server: Scenario) {
  const requests = await server.requests();
  expect(requests).toHaveLength(1);
  return requests[0];
}

describe("twilio send against the Prism mock of Twilio's OpenAPI document", () => {
  it("sends from a number: a request valid per the spec, with basic auth and the status callback", async () => {
    const server = await throughPrism("twilio");
    const creds = credentials();
    const message = smsMessage();
    const outcome = await twilio({ ...creds, from: "+14155550199", baseUrl: server.baseUrl }).send(message, patience());

    expect(outcome).toEqual({ kind: "sent", providerMessageId: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" });
    const request = await onlyRequest(server);
    expect(request.upstreamStatus).toBe(201);
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/2010-04-01/Accounts/${creds.accountSid}/Messages.json`);
    expect(request.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.headers.authorization).toBe(`Basic ${btoa(`${creds.accountSid}:${creds.authToken}`)}`);
    const form = new URLSearchParams(request.body);
    expect(form.get("To")).toBe("+14155550100");
    expect(form.get("From")).toBe("+14155550199");
    expect(form.get("Body")).toBe("Your code is 123456");
    expect(form.has("MessagingServiceSid")).toBe(false);
    expect(form.get("StatusCallback")).toBe(`${WEBHOOKS}/webhooks/twilio/prv_twilio1?messageId=${message.id}`);
  });

  it("sends through a Messaging Service without a From", async () => {
    const server = await throughPrism("twilio");
    const messagingServiceSid = `MG${randomHex(16)}`;
    const outcome = await twilio({ ...credentials(), messagingServiceSid, baseUrl: server.baseUrl }).send(smsMessage(), patience());

    expect(outcome.kind).toBe("sent");
    const request = await onlyRequest(server);
    expect(request.upstreamStatus).toBe(201);
    const form = new URLSearchParams(request.body);
    expect(form.get("MessagingServiceSid")).toBe(messagingServiceSid);
    expect(form.has("From")).toBe(false);
  });

  it("uses the message's own sender over the configured one", async () => {
    const server = await throughPrism("twilio");
    await twilio({ ...credentials(), from: "+14155550199", baseUrl: server.baseUrl }).send(
      smsMessage({ from: "+14155550123" }),
      patience(),
    );
    expect(new URLSearchParams((await onlyRequest(server)).body).get("From")).toBe("+14155550123");
  });

  it("leaves StatusCallback out when no public webhooks URL is known", async () => {
    const server = await throughPrism("twilio");
    const outcome = await twilio({ ...credentials(), from: "+14155550199", baseUrl: server.baseUrl }, { outbound: LOCAL_OUTBOUND }).send(
      smsMessage(),
      patience(),
    );
    expect(outcome.kind).toBe("sent");
    expect(new URLSearchParams((await onlyRequest(server)).body).has("StatusCallback")).toBe(false);
  });

  it("has Prism reject a request that breaks the spec, so a 201 above means a valid request", async () => {
    const { accountSid, authToken } = credentials();
    const response = await fetch(`${inject("providerServers").prism.twilio}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${accountSid}:${authToken}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Body: "no recipient" }),
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("'To'");
  });
});

describe("twilio outcomes", () => {
  async function sendAgainst(status: number, body: Record<string, unknown>, headers?: Record<string, string>) {
    const creds = credentials();
    const server = await answering(messagesRoute(creds.accountSid), { status, body, headers });
    return twilio({ ...creds, from: "+14155550199", baseUrl: server.baseUrl }).send(smsMessage(), patience());
  }

  it.each([21211, 21610, 21614, 30005, 30006, 30007, 21617])(
    "error %i blames the recipient or content: rejected, with Twilio's code and message",
    async (code) => {
      const outcome = await sendAgainst(400, { code, message: `Twilio says ${code}`, status: 400 });
      const suppresses = code === 21610 ? { suppresses: "provider" } : {};
      expect(outcome).toEqual({ kind: "rejected", code: String(code), message: `Twilio says ${code}`, ...suppresses });
    },
  );

  it.each([
    [401, 20003],
    [403, 20003],
    [500, undefined],
    [503, undefined],
    [400, 21606],
    [404, 20404],
  ])("HTTP %i (code %s) blames the provider or account: unavailable", async (status, code) => {
    const outcome = await sendAgainst(status, code === undefined ? {} : { code, message: "provider side" });
    expect(outcome).toMatchObject({ kind: "unavailable", code: code === undefined ? `http_${status}` : String(code) });
  });

  it("429 is unavailable and keeps Retry-After", async () => {
    const outcome = await sendAgainst(429, { code: 20429, message: "Too Many Requests" }, { "retry-after": "7" });
    expect(outcome).toEqual({ kind: "unavailable", code: "20429", message: "Too Many Requests", retryAfterSeconds: 7 });
  });

  it("error 20429 is unavailable whatever the HTTP status", async () => {
    expect(await sendAgainst(400, { code: 20429, message: "Too Many Requests" })).toMatchObject({ kind: "unavailable", code: "20429" });
  });

  it("keeps the price as a positive cost when Twilio gives one, and no cost when it is null", async () => {
    const priced = await sendAgainst(201, { sid: "SM0123", price: "-0.00750", price_unit: "usd" });
    expect(priced).toEqual({ kind: "sent", providerMessageId: "SM0123", cost: 0.0075, currency: "USD" });
    const noUnit = await sendAgainst(201, { sid: "SM0125", price: "-0.00750" });
    expect(noUnit).toEqual({ kind: "sent", providerMessageId: "SM0125", cost: 0.0075 });
    const unpriced = await sendAgainst(201, { sid: "SM0124", price: null });
    expect(unpriced).toEqual({ kind: "sent", providerMessageId: "SM0124" });
  });

  it("a provider that hangs past the signal's deadline is unavailable (timeout)", async () => {
    const creds = credentials();
    const server = await answering(messagesRoute(creds.accountSid), { hang: true });
    const outcome = await twilio({ ...creds, from: "+14155550199", baseUrl: server.baseUrl }).send(smsMessage(), AbortSignal.timeout(300));
    expect(outcome).toMatchObject({ kind: "unavailable", code: "timeout" });
  });

  it("a refused connection or a reset one is unavailable (network)", async () => {
    const refused = await twilio({ ...credentials(), from: "+14155550199", baseUrl: closedUrl() }).send(smsMessage(), patience());
    expect(refused).toMatchObject({ kind: "unavailable", code: "network_error" });

    const creds = credentials();
    const server = await answering(messagesRoute(creds.accountSid), { reset: true });
    const reset = await twilio({ ...creds, from: "+14155550199", baseUrl: server.baseUrl }).send(smsMessage(), patience());
    expect(reset).toMatchObject({ kind: "unavailable", code: "network_error" });
  });

  it("never repeats the auth token, even when the provider echoes it", async () => {
    const creds = credentials();
    const server = await answering(messagesRoute(creds.accountSid), {
      status: 401,
      body: { code: 20003, message: `bad token ${creds.authToken}` },
    });
    const outcome = await twilio({ ...creds, from: "+14155550199", baseUrl: server.baseUrl }).send(smsMessage(), patience());
    expect(outcome.kind).toBe("unavailable");
    expect(JSON.stringify(outcome)).not.toContain(creds.authToken);
    expect(outcome).toMatchObject({ message: "bad token [redacted]" });
  });

  it("refuses an SMS without text before calling Twilio", async () => {
    const creds = credentials();
    const server = await throughPrism("twilio");
    const outcome = await twilio({ ...creds, from: "+14155550199", baseUrl: server.baseUrl }).send(
      smsMessage({ content: { html: "<p>x</p>" } }),
      patience(),
    );
    expect(outcome).toMatchObject({ kind: "rejected", code: "missing_text" });
    expect(await server.requests()).toHaveLength(0);
  });
});

describe("twilio check", () => {
  it("fetches the account with basic auth from a spec-valid request", async () => {
    const server = await throughPrism("twilio");
    const creds = credentials();
    const result = await twilio({ ...creds, from: "+14155550199", baseUrl: server.baseUrl }).check(patience());

    expect(result.ok).toBe(true);
    expect(result.message).toContain("active");
    const request = await onlyRequest(server);
    expect(request).toMatchObject({ method: "GET", path: `/2010-04-01/Accounts/${creds.accountSid}.json`, upstreamStatus: 200 });
    expect(request.headers.authorization).toBe(`Basic ${btoa(`${creds.accountSid}:${creds.authToken}`)}`);
  });

  it("reports rejected credentials without the token, and an unreachable provider without throwing", async () => {
    const creds = credentials();
    const server = await answering(`GET /2010-04-01/Accounts/${creds.accountSid}.json`, {
      status: 401,
      body: { code: 20003, message: `Authenticate ${creds.authToken}` },
    });
    const refused = await twilio({ ...creds, from: "+14155550199", baseUrl: server.baseUrl }).check(patience());
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain("401");
    expect(refused.message).not.toContain(creds.authToken);

    const unreachable = await twilio({ ...creds, from: "+14155550199", baseUrl: closedUrl() }).check(patience());
    expect(unreachable.ok).toBe(false);
    expect(unreachable.message).not.toContain(creds.authToken);
  });
});
