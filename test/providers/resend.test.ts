import { describe, expect, inject, it } from "vitest";
import { providerFor } from "../../shared/providers/provider-factory";
import { emailMessage, fakeSecret, LOCAL_OUTBOUND, patience } from "./fixtures";
import { answering, closedUrl, type Scenario, throughPrism } from "./scenario";

const FROM = "Relay Tests <sender@relay.test>";

function resend(baseUrl: string, apiKey = fakeSecret("re_")) {
  return { apiKey, provider: providerFor("resend", "prv_resend1", { apiKey, from: FROM, baseUrl }, { outbound: LOCAL_OUTBOUND }) };
}

async function onlyRequest(server: Scenario) {
  const requests = await server.requests();
  expect(requests).toHaveLength(1);
  return requests[0];
}

describe("resend send against the Prism mock of Resend's OpenAPI document", () => {
  it("posts html and text with the message id as Idempotency-Key, in a request valid per the spec", async () => {
    const server = await throughPrism("resend");
    const { apiKey, provider } = resend(server.baseUrl);
    const message = emailMessage();
    const outcome = await provider.send(message, patience());

    const request = await onlyRequest(server);
    expect(request.upstreamStatus).toBe(200);
    expect(outcome).toEqual({ kind: "sent", providerMessageId: expect.any(String) });
    expect(request).toMatchObject({ method: "POST", path: "/emails" });
    expect(request.headers["idempotency-key"]).toBe(message.id);
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(JSON.parse(request.body)).toEqual({
      from: FROM,
      to: ["someone@example.com"],
      subject: "Welcome",
      html: "<p>Hello</p>",
      text: "Hello",
    });
  });

  it("returns the id Resend gives", async () => {
    const server = await answering("POST /emails", { status: 200, body: { id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" } });
    const outcome = await resend(server.baseUrl).provider.send(emailMessage(), patience());
    expect(outcome).toEqual({ kind: "sent", providerMessageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" });
  });

  it("sends a template, with its scalar variables, when the message has no body", async () => {
    const server = await throughPrism("resend");
    const message = emailMessage({ content: { templateId: "tpl_welcome", variables: { name: "Ada", visits: 3, nested: { no: true } } } });
    expect((await resend(server.baseUrl).provider.send(message, patience())).kind).toBe("sent");
    const request = await onlyRequest(server);
    expect(request.upstreamStatus).toBe(200);
    const body = JSON.parse(request.body);
    expect(body.template).toEqual({ id: "tpl_welcome", variables: { name: "Ada", visits: 3 } });
    expect(body).not.toHaveProperty("html");
  });

  it("has Prism reject a request that breaks the spec, so a 200 above means a valid request", async () => {
    const response = await fetch(`${inject("providerServers").prism.resend}/emails`, {
      method: "POST",
      headers: { authorization: `Bearer ${fakeSecret("re_")}`, "content-type": "application/json" },
      body: JSON.stringify({ from: FROM, html: "<p>no recipient, no subject</p>" }),
    });
    expect(response.status).toBe(422);
  });
});

describe("resend outcomes", () => {
  it("a validation error blames the content: rejected, with Resend's name and message", async () => {
    const server = await answering("POST /emails", {
      status: 422,
      body: { statusCode: 422, name: "validation_error", message: "Invalid `to` field." },
    });
    const outcome = await resend(server.baseUrl).provider.send(emailMessage(), patience());
    expect(outcome).toEqual({ kind: "rejected", code: "validation_error", message: "Invalid `to` field." });
  });

  it("429 is unavailable and honours retry-after", async () => {
    const server = await answering("POST /emails", {
      status: 429,
      headers: { "retry-after": "12" },
      body: { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." },
    });
    const outcome = await resend(server.baseUrl).provider.send(emailMessage(), patience());
    expect(outcome).toEqual({ kind: "unavailable", code: "rate_limit_exceeded", message: "Too many requests.", retryAfterSeconds: 12 });
  });

  it.each([
    [401, "missing_api_key"],
    [403, "invalid_api_key"],
    [409, "concurrent_idempotent_requests"],
    [500, "application_error"],
  ])("HTTP %i (%s) blames the provider: unavailable", async (status, name) => {
    const server = await answering("POST /emails", { status, body: { statusCode: status, name, message: "provider side" } });
    expect(await resend(server.baseUrl).provider.send(emailMessage(), patience())).toMatchObject({ kind: "unavailable", code: name });
  });

  it("a timeout or a refused connection is unavailable", async () => {
    const server = await answering("POST /emails", { hang: true });
    expect(await resend(server.baseUrl).provider.send(emailMessage(), AbortSignal.timeout(300))).toMatchObject({
      kind: "unavailable",
      code: "timeout",
    });
    expect(await resend(closedUrl()).provider.send(emailMessage(), patience())).toMatchObject({
      kind: "unavailable",
      code: "network_error",
    });
  });

  it("never repeats the API key, even when the provider echoes it", async () => {
    const apiKey = fakeSecret("re_");
    const server = await answering("POST /emails", {
      status: 403,
      body: { name: "invalid_api_key", message: `API key ${apiKey} is invalid` },
    });
    const outcome = await resend(server.baseUrl, apiKey).provider.send(emailMessage(), patience());
    expect(outcome.kind).toBe("unavailable");
    expect(JSON.stringify(outcome)).not.toContain(apiKey);
  });
});

describe("resend check", () => {
  it("lists domains with the bearer key, in a request valid per the spec", async () => {
    const server = await throughPrism("resend");
    const { apiKey, provider } = resend(server.baseUrl);
    const result = await provider.check(patience());
    expect(result.ok).toBe(true);
    const request = await onlyRequest(server);
    expect(request).toMatchObject({ method: "GET", path: "/domains", upstreamStatus: 200 });
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it("counts verified domains", async () => {
    const server = await answering("GET /domains", {
      status: 200,
      body: { object: "list", has_more: false, data: [{ status: "verified" }, { status: "pending" }] },
    });
    expect(await resend(server.baseUrl).provider.check(patience())).toEqual({
      ok: true,
      message: "the API key is valid: 2 domain(s), 1 verified",
    });
  });

  it("accepts a sending-only key, which Resend recognises but will not let list domains", async () => {
    const server = await answering("GET /domains", {
      status: 401,
      body: { statusCode: 401, name: "restricted_api_key", message: "This API key is restricted to only send emails" },
    });
    expect((await resend(server.baseUrl).provider.check(patience())).ok).toBe(true);
  });

  it("reports a refused key without the key, and an unreachable provider without throwing", async () => {
    const apiKey = fakeSecret("re_");
    const server = await answering("GET /domains", { status: 403, body: { name: "invalid_api_key", message: `bad key ${apiKey}` } });
    const refused = await resend(server.baseUrl, apiKey).provider.check(patience());
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain("403");
    expect(refused.message).not.toContain(apiKey);

    const unreachable = await resend(closedUrl(), apiKey).provider.check(patience());
    expect(unreachable.ok).toBe(false);
    expect(unreachable.message).not.toContain(apiKey);
  });
});
