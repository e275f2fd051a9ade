import { describe, expect, it } from "vitest";
import { providerFor } from "../../shared/providers/provider-factory";
import { LOCAL_OUTBOUND, patience, randomHex, webhookMessage } from "./fixtures";
import { answering, closedUrl, type Scenario, scenario } from "./scenario";

/** A Standard Webhooks secret: `whsec_` and base64 of random bytes. */
function whsecSecret(): { secret: string; key: Uint8Array } {
  const key = crypto.getRandomValues(new Uint8Array(24));
  return { secret: `whsec_${btoa(String.fromCharCode(...key))}`, key };
}

/** The signature recomputed here with Web Crypto, as a receiver would, not with the adapter's code. */
async function sign(key: Uint8Array, id: string, timestamp: string, body: string): Promise<string> {
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

function webhook(url: string, secret?: string) {
  return providerFor("webhook", "prv_hook1", secret ? { url, secret } : { url }, { outbound: LOCAL_OUTBOUND });
}

async function onlyRequest(server: Scenario) {
  const requests = await server.requests();
  expect(requests).toHaveLength(1);
  return requests[0];
}

describe("webhook send", () => {
  it("posts the message as JSON, signed per Standard Webhooks with the message id as webhook-id", async () => {
    const server = await answering("POST /hooks/relay", { status: 204 });
    const { secret, key } = whsecSecret();
    const message = webhookMessage();
    const outcome = await webhook(`${server.baseUrl}/hooks/relay`, secret).send(message, patience());

    expect(outcome).toEqual({ kind: "sent", providerMessageId: message.id });
    const request = await onlyRequest(server);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["webhook-id"]).toBe(message.id);
    const timestamp = request.headers["webhook-timestamp"];
    expect(timestamp).toMatch(/^\d+$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(request.headers["webhook-signature"]).toBe(await sign(key, message.id, timestamp, request.body));
    expect(JSON.parse(request.body)).toMatchObject({
      type: "message",
      timestamp: expect.any(String),
      data: {
        id: message.id,
        to: "orders-endpoint",
        subject: "order.created",
        content: { text: "order 42 created" },
        metadata: { orderId: 42 },
      },
    });
  });

  it("takes a secret without the whsec_ prefix as raw bytes", async () => {
    const server = await answering("POST /hook", { status: 200 });
    const secret = `raw-${randomHex(16)}`;
    const message = webhookMessage();
    await webhook(`${server.baseUrl}/hook`, secret).send(message, patience());
    const request = await onlyRequest(server);
    const expected = await sign(new TextEncoder().encode(secret), message.id, request.headers["webhook-timestamp"], request.body);
    expect(request.headers["webhook-signature"]).toBe(expected);
  });

  it("sends id and timestamp but no signature when no secret is set", async () => {
    const server = await answering("POST /hook", { status: 200 });
    expect((await webhook(`${server.baseUrl}/hook`).send(webhookMessage(), patience())).kind).toBe("sent");
    const request = await onlyRequest(server);
    expect(request.headers["webhook-id"]).toMatch(/^msg_/);
    expect(request.headers["webhook-timestamp"]).toMatch(/^\d+$/);
    expect(request.headers).not.toHaveProperty("webhook-signature");
  });

  it.each([400, 401, 404, 410, 422])("the endpoint's %i is final: rejected", async (status) => {
    const server = await answering("POST /hook", { status, body: "no" });
    expect(await webhook(`${server.baseUrl}/hook`, whsecSecret().secret).send(webhookMessage(), patience())).toMatchObject({
      kind: "rejected",
      code: `http_${status}`,
    });
  });

  it.each([408, 429, 500, 502, 503])("the endpoint's %i is unavailable", async (status) => {
    const server = await answering("POST /hook", { status, headers: { "retry-after": "30" } });
    const outcome = await webhook(`${server.baseUrl}/hook`, whsecSecret().secret).send(webhookMessage(), patience());
    expect(outcome).toMatchObject({ kind: "unavailable", code: `http_${status}` });
    if (status === 429) expect(outcome).toMatchObject({ retryAfterSeconds: 30 });
  });

  it("does not follow a redirect, and treats it as unavailable", async () => {
    const server = await scenario({
      routes: { "POST /old": { status: 301, headers: { location: "/new" } }, "POST /new": { status: 200 } },
    });
    const outcome = await webhook(`${server.baseUrl}/old`).send(webhookMessage(), patience());
    expect(outcome).toMatchObject({ kind: "unavailable", code: "http_301" });
    expect((await server.requests()).map((r) => r.path)).toEqual(["/old"]);
  });

  it("a timeout or a refused connection is unavailable", async () => {
    const server = await answering("POST /hook", { hang: true });
    expect(await webhook(`${server.baseUrl}/hook`).send(webhookMessage(), AbortSignal.timeout(300))).toMatchObject({
      kind: "unavailable",
      code: "timeout",
    });
    expect(await webhook(`${closedUrl()}/hook`).send(webhookMessage(), patience())).toMatchObject({
      kind: "unavailable",
      code: "network_error",
    });
  });

  it("a whsec_ secret that is not base64 sends nothing and says so without the secret", async () => {
    const server = await answering("POST /hook", { status: 200 });
    const secret = `whsec_${randomHex(12)}!!`;
    const outcome = await webhook(`${server.baseUrl}/hook`, secret).send(webhookMessage(), patience());
    expect(outcome).toMatchObject({ kind: "unavailable", code: "invalid_secret" });
    expect(JSON.stringify(outcome)).not.toContain(secret);
    expect(await server.requests()).toHaveLength(0);
  });
});

describe("webhook check", () => {
  it("is ok when the endpoint answers HEAD, and says only that it is reachable", async () => {
    const server = await answering("HEAD /hook", { status: 200 });
    const result = await webhook(`${server.baseUrl}/hook`, whsecSecret().secret).check(patience());
    expect(result).toEqual({ ok: true, message: "reachable: the endpoint answered" });
    expect((await onlyRequest(server)).method).toBe("HEAD");
  });

  it("falls back to OPTIONS when HEAD is not allowed", async () => {
    const server = await scenario({ routes: { "HEAD /hook": { status: 405 }, "OPTIONS /hook": { status: 204 } } });
    const result = await webhook(`${server.baseUrl}/hook`).check(patience());
    expect(result).toEqual({ ok: true, message: "reachable: the endpoint answered" });
    expect((await server.requests()).map((r) => r.method)).toEqual(["HEAD", "OPTIONS"]);
  });

  it("is not ok for a missing endpoint, an unreachable one or a broken secret, and never shows the secret", async () => {
    const missing = await answering("HEAD /elsewhere", { status: 200 });
    const { secret } = whsecSecret();
    const notFound = await webhook(`${missing.baseUrl}/hook`, secret).check(patience());
    expect(notFound.ok).toBe(false);
    // The endpoint's own status is not echoed: a provider test must not read what any host answers.
    expect(notFound.message).toBe("reachable, but the endpoint refused the request (a client error)");

    const unreachable = await webhook(`${closedUrl()}/hook`, secret).check(patience());
    expect(unreachable.ok).toBe(false);
    expect(unreachable.message).not.toContain(secret);

    const broken = `whsec_${randomHex(12)}!!`;
    const badSecret = await webhook(`${missing.baseUrl}/elsewhere`, broken).check(patience());
    expect(badSecret.ok).toBe(false);
    expect(badSecret.message).not.toContain(broken);
  });
});
