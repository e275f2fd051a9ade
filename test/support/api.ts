import { env, exports } from "cloudflare:workers";
import { sha256Hex } from "../../shared/crypto/sha256";
import { database } from "../../shared/db/database";
import { apiKeys } from "../../shared/db/schema";
import { newApiKeySecret, newId } from "../../shared/domain/ids";

export type ApiAnswer<T = Record<string, unknown>> = {
  status: number;
  headers: Headers;
  body: {
    success: boolean;
    data: T;
    error: { code: string; message: string; retryable: boolean; details?: { path: string; message: string }[] };
    meta: { requestId: string };
  };
};

type CallOptions = { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> };

/** Calls the ingest worker's own fetch handler, as an HTTP client would. */
export async function call<T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
  const headers = new Headers(options.headers);
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(options.body);
  } else if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const response = await exports.default.fetch(new Request(`http://relay.test${path}`, { method, headers, body }));
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** An ops key made the way the bootstrap script makes one: straight into D1. */
export async function createOpsKey(): Promise<string> {
  const key = newApiKeySecret();
  await database(env.DB)
    .insert(apiKeys)
    .values({
      id: newId("apiKey"),
      tenantId: null,
      name: "ops (test)",
      prefix: key.slice(0, 10),
      keyHash: await sha256Hex(key),
      scopes: ["admin"],
      createdAt: new Date().toISOString(),
    });
  return key;
}

export type TenantFixture = { tenantId: string; adminKey: string; sendKey: string; readKey: string };

/** A fresh tenant with one key per scope, made through the API. */
export async function createTenant(opsKey: string, name = "Acme"): Promise<TenantFixture> {
  const tenant = await call<{ id: string }>("POST", "/v1/tenants", { key: opsKey, body: { name } });
  if (tenant.status !== 201) throw new Error(`tenant: ${JSON.stringify(tenant.body)}`);
  const issue = async (scopes: string[]) => {
    const answer = await call<{ key: string }>("POST", `/v1/tenants/${tenant.body.data.id}/api-keys`, {
      key: opsKey,
      body: { name: scopes.join("+"), scopes },
    });
    if (answer.status !== 201) throw new Error(`key: ${JSON.stringify(answer.body)}`);
    return answer.body.data.key;
  };
  return {
    tenantId: tenant.body.data.id,
    adminKey: await issue(["admin"]),
    sendKey: await issue(["send"]),
    readKey: await issue(["read"]),
  };
}

export const sms = (overrides: Record<string, unknown> = {}) => ({
  channel: "sms",
  to: "+14155550100",
  content: { text: "Your code is 123456" },
  ...overrides,
});

export const email = (overrides: Record<string, unknown> = {}) => ({
  channel: "email",
  to: "ada@example.com",
  subject: "Welcome",
  content: { html: "<p>Hello</p>", text: "Hello" },
  ...overrides,
});
