import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectErrorEnvelope, freshTenant, sms } from "../support/api";

async function raw(method: string, path: string, key: string, body?: string, contentType?: string) {
  const headers = new Headers({ authorization: `Bearer ${key}` });
  if (contentType) headers.set("content-type", contentType);
  const response = await exports.default.fetch(new Request(`http://relay.test${path}`, { method, headers, body }));
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { error: { code: string; message: string } },
  };
}

describe("content type of a body", () => {
  it("answers 415 UNSUPPORTED_MEDIA_TYPE in the envelope for a missing or non-JSON content type, and stores nothing", async () => {
    const tenant = await freshTenant();
    const body = JSON.stringify(sms());
    for (const contentType of [undefined, "text/plain", "application/x-www-form-urlencoded"]) {
      const answer = await raw("POST", "/v1/messages", tenant.sendKey, body, contentType);
      expect(answer.status, contentType).toBe(415);
      expect(answer.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    const list = await call<{ items: unknown[] }>("GET", "/v1/messages", { key: tenant.readKey });
    expect(list.body.data.items).toHaveLength(0);
  });

  it("accepts application/json with parameters, and a POST that takes no body without one", async () => {
    const tenant = await freshTenant();
    const sent = await raw("POST", "/v1/messages", tenant.sendKey, JSON.stringify(sms()), "application/json; charset=utf-8");
    expect(sent.status).toBe(202);
    const id = (sent.body as unknown as { data: { id: string } }).data.id;
    expect((await raw("POST", `/v1/messages/${id}/cancel`, tenant.sendKey)).status).toBe(200);
  });

  it("asks for the key before looking at the body", async () => {
    const response = await exports.default.fetch(new Request("http://relay.test/v1/messages", { method: "POST", body: "x" }));
    expect(response.status).toBe(401);
  });
});

describe("method of a known path", () => {
  it("answers 405 METHOD_NOT_ALLOWED with Allow, and 404 for an unknown path", async () => {
    const tenant = await freshTenant();
    const put = await call("PUT", "/v1/messages", { key: tenant.adminKey, body: {} });
    expectErrorEnvelope(put, 405, "METHOD_NOT_ALLOWED");
    expect(put.headers.get("allow")).toBe("GET, HEAD, POST");

    const onId = await call("PUT", "/v1/dead-letters/dlq_x", { key: tenant.adminKey, body: {} });
    expectErrorEnvelope(onId, 405, "METHOD_NOT_ALLOWED");
    expect(onId.headers.get("allow")).toBe("GET, HEAD");

    const health = await call("POST", "/health");
    expectErrorEnvelope(health, 405, "METHOD_NOT_ALLOWED");
    expect(health.headers.get("allow")).toBe("GET, HEAD");

    expectErrorEnvelope(await call("GET", "/v1/nope", { key: tenant.adminKey }), 404, "NOT_FOUND");
  });
});
