import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealCanary } from "../../shared/crypto/secret-canary";
import { ERROR_CODES } from "../../shared/http/error-codes";
import { call, callApp, createOpsKey, createTenant, expectErrorEnvelope, expectSuccessEnvelope } from "../support/api";
import { randomHex } from "../support/checks";

type Health = { status: string; checks: Record<string, { ok: boolean; message?: string }> };

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>;
};
type OpenApiDocument = {
  openapi: string;
  servers: { url: string }[];
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string }> };
};

/** Every route the app serves, as the OpenAPI document must list it. */
const ROUTES: [string, string[]][] = [
  ["/v1/messages", ["get", "post"]],
  ["/v1/messages/batch", ["post"]],
  ["/v1/messages/{id}", ["get"]],
  ["/v1/messages/{id}/cancel", ["post"]],
  ["/v1/providers", ["get", "post"]],
  ["/v1/providers/{id}", ["delete", "get", "patch"]],
  ["/v1/providers/{id}/test", ["post"]],
  ["/v1/tenants", ["get", "post"]],
  ["/v1/tenants/{id}", ["get", "patch"]],
  ["/v1/tenants/{id}/api-keys", ["get", "post"]],
  ["/v1/api-keys/{id}", ["delete"]],
  ["/v1/dead-letters", ["get"]],
  ["/v1/usage", ["get"]],
  ["/v1/archive/runs", ["post"]],
  ["/v1/archive/runs/{id}", ["get"]],
  ["/v1/exports", ["get"]],
  ["/v1/dead-letters/{id}", ["get"]],
  ["/v1/dead-letters/{id}/redrive", ["post"]],
  ["/v1/dead-letters/redrive", ["post"]],
  ["/v1/dead-letters/{id}/discard", ["post"]],
  ["/v1/devices", ["get", "post"]],
  ["/v1/devices/{id}", ["delete", "get"]],
  ["/v1/templates", ["get", "post"]],
  ["/v1/templates/{id}", ["delete", "get", "patch"]],
  ["/v1/templates/{id}/versions", ["get"]],
  ["/v1/templates/{id}/render", ["post"]],
  ["/v1/webhook-endpoints", ["get", "post"]],
  ["/v1/webhook-endpoints/{id}", ["delete", "get", "patch"]],
  ["/v1/webhook-endpoints/{id}/rotate-secret", ["post"]],
  ["/v1/webhook-endpoints/{id}/attempts", ["get"]],
  ["/v1/webhook-endpoints/{id}/replay", ["post"]],
  ["/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/replay", ["post"]],
  ["/v1/webhook-endpoints/{id}/test", ["post"]],
  ["/v1/contacts", ["get", "post"]],
  ["/v1/contacts/{id}", ["delete", "get", "patch"]],
  ["/v1/conversations", ["get"]],
  ["/v1/conversations/changes", ["get"]],
  ["/v1/conversations/settings", ["get", "put"]],
  ["/v1/conversations/{id}", ["get", "patch"]],
  ["/v1/conversations/{id}/messages", ["get", "post"]],
  ["/v1/conversations/{id}/read", ["post"]],
  ["/v1/media/{id}", ["get"]],
  ["/v1/conversations/{id}/analyze", ["post"]],
  ["/v1/conversations/{id}/draft", ["post"]],
  ["/v1/conversations/{id}/events", ["get"]],
  ["/v1/analysis/settings", ["get", "put"]],
  ["/v1/opt-outs", ["get", "post"]],
  ["/v1/opt-outs/{id}", ["delete", "patch"]],
  ["/v1/dead-letter-operations", ["post"]],
  ["/v1/dead-letter-operations/{id}", ["get"]],
  ["/v1/audit-log", ["get"]],
  ["/v1/alert-rules", ["get", "post"]],
  ["/v1/alert-rules/{id}", ["delete", "get", "patch"]],
  ["/health", ["get"]],
];
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async function openApi(): Promise<OpenApiDocument> {
  const response = await exports.default.fetch(new Request("http://relay.test/openapi.json"));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("application/json");
  return response.json();
}

/** Every `$ref` anywhere in a value, with where it was found. */
function refsIn(value: unknown, at = "#"): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => refsIn(item, `${at}/${i}`));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) =>
      key === "$ref" && typeof item === "string" ? [{ ref: item, at }] : refsIn(item, `${at}/${key}`),
    );
  return [];
}

function resolve(document: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = document;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

describe("GET /health", () => {
  it("reports every dependency ok, without a key", async () => {
    const answer = await call<Health>("GET", "/health");
    const data = expectSuccessEnvelope(answer);
    expect(data.status).toBe("ok");
    expect(data.checks).toEqual({
      d1: { ok: true },
      queue: { ok: true },
      secrets: { ok: true, message: expect.stringContaining("unchecked") },
    });
  });

  it("proves the secret with the deploy's canary when one is set", async () => {
    const answer = await callApp<Health>({ ENCRYPTION_CANARY: await sealCanary(env.ENCRYPTION_SECRET) }, "GET", "/health");
    expect(expectSuccessEnvelope(answer).checks.secrets).toEqual({ ok: true });
  });

  it("answers 503 naming `secrets` when the encryption secret is missing", async () => {
    const answer = await callApp({ ENCRYPTION_SECRET: undefined }, "GET", "/health");
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(answer.body.error.details).toEqual([{ path: "secrets", message: expect.any(String) }]);
    expect(answer.body.error.message).toContain("secrets");
  });

  it("answers 503 naming `secrets` when the encryption secret is too short", async () => {
    const answer = await callApp({ ENCRYPTION_SECRET: randomHex(8) }, "GET", "/health");
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(answer.body.error.details?.map((d) => d.path)).toEqual(["secrets"]);
    expect(JSON.stringify(answer.body)).not.toMatch(/[0-9a-f]{16}/);
  });

  it("answers 503 naming `secrets` when this worker's secret differs from the one that sealed the canary", async () => {
    const canary = await sealCanary(env.ENCRYPTION_SECRET);
    const answer = await callApp({ ENCRYPTION_SECRET: `other-${randomHex(16)}`, ENCRYPTION_CANARY: canary }, "GET", "/health");
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(answer.body.error.details).toEqual([{ path: "secrets", message: expect.stringContaining("differs") }]);
  });

  it("answers 503 naming `queue` when the queue is not bound", async () => {
    const answer = await callApp({ DELIVERY_QUEUE: undefined }, "GET", "/health");
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(answer.body.error.details?.map((d) => d.path)).toEqual(["queue"]);
  });

  it("answers 503 naming `d1` when the database fails, and names every failing check", async () => {
    const brokenDb = {
      prepare: () => {
        throw new Error("D1 is down");
      },
    } as unknown as D1Database;
    const answer = await callApp({ DB: brokenDb, ENCRYPTION_SECRET: undefined }, "GET", "/health");
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(answer.body.error.details?.map((d) => d.path)).toEqual(["d1", "secrets"]);
  });

  it("echoes a sane x-request-id", async () => {
    const answer = await call("GET", "/health", { headers: { "x-request-id": "health-probe-1" } });
    expect(answer.body.meta.requestId).toBe("health-probe-1");
    expect(answer.headers.get("x-request-id")).toBe("health-probe-1");
  });
});

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document with the shared schemas", async () => {
    const document = await openApi();
    expect(document.openapi.startsWith("3.1")).toBe(true);
    expect(document.info.title).toBe("Relay");
    expect(document.info.version).toEqual(expect.any(String));
    for (const name of ["Message", "Error", "Provider", "DeadLetter", "Tenant", "ApiKey", "CreatedApiKey", "SendMessageRequest"])
      expect(document.components.schemas, name).toHaveProperty(name);
    expect(document.components.securitySchemes.bearerAuth).toEqual({ type: "http", scheme: "bearer" });
  });

  it("lists exactly the routes the app serves", async () => {
    const document = await openApi();
    const documented = Object.entries(document.paths)
      .map(
        ([path, item]) =>
          [
            path,
            Object.keys(item)
              .filter((k) => HTTP_METHODS.includes(k))
              .sort(),
          ] as [string, string[]],
      )
      .sort(([a], [b]) => a.localeCompare(b));
    expect(documented).toEqual([...ROUTES].sort(([a], [b]) => a.localeCompare(b)));
  });

  it("describes every operation completely", async () => {
    const document = await openApi();
    for (const [path, item] of Object.entries(document.paths)) {
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.summary, where).toEqual(expect.any(String));
        expect(op.tags?.length, where).toBeGreaterThan(0);

        // Responses: at least one success, each with a description; every error one is the Error schema.
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith("2")),
          where,
        ).toBe(true);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status, where).toMatch(/^[1-5]\d\d$/);
          expect(response.description, `${where} ${status}`).toEqual(expect.any(String));
          // Every answer is JSON but a stream (the NDJSON export), which still has a schema.
          const content = response.content ?? {};
          const schema = content["application/json"]?.schema ?? (Number(status) < 400 ? Object.values(content)[0]?.schema : undefined);
          expect(schema, `${where} ${status}`).toBeDefined();
          if (Number(status) >= 400) {
            expect(schema, `${where} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
            const codes = Object.entries(ERROR_CODES).filter(([, spec]) => String(spec.status) === status);
            expect(codes.length, `${where} ${status} is a documented status`).toBeGreaterThan(0);
            for (const [code] of codes) expect(response.description, `${where} ${status}`).toContain(code);
          }
        }

        // Path parameters: each {name} is declared, required, in: path; nothing else is.
        const declared = (op.parameters ?? []).filter((p) => p.in === "path");
        expect(declared.map((p) => p.name).sort(), where).toEqual([...pathParams].sort());
        for (const p of declared) expect(p.required, `${where} ${p.name}`).toBe(true);
        for (const p of op.parameters ?? []) expect(["path", "query", "header", "cookie"], where).toContain(p.in);

        // Auth: /v1 needs the bearer key, /health none.
        if (path.startsWith("/v1/")) {
          expect(op.security, where).toEqual([{ bearerAuth: [] }]);
          expect(op.responses, where).toHaveProperty("401");
          expect(op.responses, where).toHaveProperty("403");
        } else {
          expect(op.security ?? [], where).toEqual([]);
          expect(op.responses, where).not.toHaveProperty("401");
          expect(op.responses, where).not.toHaveProperty("403");
        }

        // A body only where the route takes one, always JSON.
        if (op.requestBody) expect(Object.keys(op.requestBody.content), where).toEqual(["application/json"]);
        if (method === "get" || method === "delete") expect(op.requestBody, where).toBeUndefined();
      }
    }
  });

  it("gives a client generator what it needs: servers, unique operationIds, 415, 429 with Retry-After", async () => {
    const document = await openApi();
    expect(document.servers.length).toBeGreaterThan(0);
    const ids: string[] = [];
    for (const [path, item] of Object.entries(document.paths))
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        ids.push(op.operationId ?? "");
        if (op.requestBody) expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(["413", "415"]));
        if (path.startsWith("/v1/")) expect(op.responses["429"]?.headers, where).toHaveProperty("Retry-After");
      }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("describes the message request as a union discriminated by channel, email needing a subject or a template", async () => {
    const { components } = await openApi();
    const union = components.schemas.SendMessageRequest as {
      oneOf: { $ref: string }[];
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    expect(union.discriminator.propertyName).toBe("channel");
    expect(Object.keys(union.discriminator.mapping).sort()).toEqual(["email", "push", "slack", "sms", "telegram", "webhook"]);
    expect(union.oneOf.map((v) => v.$ref)).toEqual(Object.values(union.discriminator.mapping));
    const emailRequest = components.schemas.EmailMessageRequest as { required: string[]; oneOf: { required: string[] }[] };
    expect(emailRequest.required).toEqual(expect.arrayContaining(["channel", "to"]));
    expect(emailRequest.oneOf.map((form) => form.required)).toEqual([["subject", "content"], ["template"]]);
    type ChatContent = { required: string[]; properties: { text: { maxLength: number }; thread: { pattern: string } } };
    const slack = components.schemas.SlackMessageRequest as { oneOf: { properties: { content?: ChatContent } }[] };
    const slackContent = slack.oneOf[0].properties.content as ChatContent;
    expect(slackContent).toMatchObject({ required: ["text"], properties: { text: { maxLength: 40_000 } } });
    expect(new RegExp(slackContent.properties.thread.pattern).test("1712345678.123456")).toBe(true);
  });

  it("documents the routes' specific error statuses", async () => {
    const { paths } = await openApi();
    const has = (path: string, method: string, status: string) =>
      expect(paths[path][method].responses, `${method} ${path}`).toHaveProperty(status);
    has("/v1/messages", "post", "422");
    has("/v1/messages", "post", "409");
    has("/v1/messages", "post", "503");
    has("/v1/messages/{id}/cancel", "post", "409");
    has("/v1/providers/{id}", "get", "404");
    has("/v1/api-keys/{id}", "delete", "409");
    has("/v1/dead-letters/{id}/redrive", "post", "409");
    has("/v1/dead-letters/{id}/redrive", "post", "503");
    has("/health", "get", "503");
  });

  it("resolves every $ref to a component", async () => {
    const document = await openApi();
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const { ref, at } of refs) {
      expect(ref, at).toMatch(/^#\/components\/schemas\/[A-Za-z0-9._-]+$/);
      expect(resolve(document, ref), `${ref} at ${at}`).toBeDefined();
    }
    // Every named schema is used somewhere.
    const used = new Set(refs.map((r) => r.ref));
    for (const name of Object.keys(document.components.schemas)) expect(used.has(`#/components/schemas/${name}`), name).toBe(true);
  });

  it("shows secrets as write-only: Provider has mask and no config", async () => {
    const document = await openApi();
    const provider = document.components.schemas.Provider as { properties: Record<string, unknown> };
    expect(Object.keys(provider.properties)).toContain("mask");
    for (const hidden of ["config", "encryptedConfig", "keyVersion"]) expect(Object.keys(provider.properties)).not.toContain(hidden);
    const apiKey = document.components.schemas.ApiKey as { properties: Record<string, unknown> };
    expect(Object.keys(apiKey.properties)).not.toContain("key");
    expect(Object.keys(apiKey.properties)).not.toContain("keyHash");
  });

  it("needs no key", async () => {
    const answer = await call("GET", "/openapi.json");
    expect(answer.status).toBe(200);
  });
});

describe("GET /docs", () => {
  it("is the interactive reference of /openapi.json, every asset from this worker under a 'self' policy", async () => {
    const response = await exports.default.fetch(new Request("http://relay.test/docs"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/https?:|\*/);
    const page = await response.text();
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('data-url="/openapi.json"');
    const scripts = [...page.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    // One data block (not executed) and the bundle from this worker: no inline code.
    expect(scripts.map(([, attributes]) => /type="application\/json"|src="\/docs\//.test(attributes))).toEqual([true, true]);
    for (const [, , body] of scripts) expect(body.trim()).toBe("");
  });

  it("serves the Scalar bundle itself, as JavaScript", async () => {
    const page = await (await exports.default.fetch(new Request("http://relay.test/docs"))).text();
    const src = /<script src="([^"]+)"/.exec(page)?.[1] ?? "";
    const response = await exports.default.fetch(new Request(`http://relay.test${src}`));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/javascript");
    const bundle = await response.text();
    expect(bundle.length).toBeGreaterThan(1_000_000);
    expect(bundle).toContain("createApiReference");
  });
});

describe("unknown routes", () => {
  it("answer 404 NOT_FOUND in the error envelope", async () => {
    const answer = await call("GET", "/nope");
    expectErrorEnvelope(answer, 404, "NOT_FOUND");
    expect(answer.body.error.message).toContain("/nope");
  });

  it("answer 404 under /v1 for a valid key, 401 without one", async () => {
    const tenant = await createTenant(await createOpsKey());
    expectErrorEnvelope(await call("GET", "/v1/nope", { key: tenant.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("PUT", "/v1/providers", { key: tenant.adminKey, body: {} }), 405, "METHOD_NOT_ALLOWED");
    expectErrorEnvelope(await call("GET", "/v1/nope"), 401, "UNAUTHORIZED");
  });

  it("keep the caller's x-request-id", async () => {
    const answer = await call("GET", "/nope", { headers: { "x-request-id": "lost-1" } });
    expectErrorEnvelope(answer, 404, "NOT_FOUND");
    expect(answer.body.meta.requestId).toBe("lost-1");
  });
});
