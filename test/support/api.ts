import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { sha256Hex } from "../../shared/crypto/sha256";
import { database } from "../../shared/db/database";
import { apiKeys } from "../../shared/db/schema";
import { newApiKeySecret, newId } from "../../shared/domain/ids";
import { ERROR_CODES, type ErrorCode } from "../../shared/http/error-codes";
import { createApp } from "../../workers/ingest/app";
import type { IngestEnv } from "../../workers/ingest/env";

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

function apiRequest(method: string, path: string, options: CallOptions): Request {
  const headers = new Headers(options.headers);
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(options.body);
  } else if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  return new Request(`http://relay.test${path}`, { method, headers, body });
}

async function apiAnswer<T>(response: Response): Promise<ApiAnswer<T>> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Calls the ingest worker's own fetch handler, as an HTTP client would. */
export async function call<T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
  return apiAnswer<T>(await exports.default.fetch(apiRequest(method, path, options)));
}

/**
 * One ingest app with some bindings replaced, for many calls: building the app is the costly part
 * of `callApp`, which a test of hundreds of requests should pay once.
 */
export function appWith(bindings: Partial<IngestEnv>) {
  const app = createApp();
  return async <T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer<T>> => {
    const ctx = createExecutionContext();
    const response = await app.fetch(apiRequest(method, path, options), { ...env, ...bindings }, ctx);
    await waitOnExecutionContext(ctx);
    return apiAnswer<T>(response);
  };
}

/**
 * Calls a fresh ingest app (`createApp()`) with some bindings replaced — e.g. a queue that is
 * down — over the same D1 as `call`.
 */
export async function callApp<T = Record<string, unknown>>(
  bindings: Partial<IngestEnv>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiAnswer<T>> {
  const ctx = createExecutionContext();
  const response = await createApp().fetch(apiRequest(method, path, options), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return apiAnswer<T>(response);
}

/** A delivery queue whose every send fails, as in an outage. */
export function downQueue(): IngestEnv["DELIVERY_QUEUE"] {
  const down = async () => {
    throw new Error("queue down");
  };
  return { send: down, sendBatch: down } as unknown as IngestEnv["DELIVERY_QUEUE"];
}

export type QueuedJob = { body: { messageId: string; tenantId: string; requestId: string }; delaySeconds: number | undefined };

/** A delivery queue that records every job it is given, in order. */
export function spyQueue(): { queue: IngestEnv["DELIVERY_QUEUE"]; jobs: QueuedJob[]; calls: { send: number; sendBatch: number } } {
  const jobs: QueuedJob[] = [];
  const calls = { send: 0, sendBatch: 0 };
  const queue = {
    send: async (body: QueuedJob["body"], options?: { delaySeconds?: number }) => {
      calls.send++;
      jobs.push({ body, delaySeconds: options?.delaySeconds });
    },
    sendBatch: async (batch: Iterable<{ body: QueuedJob["body"]; delaySeconds?: number }>) => {
      calls.sendBatch++;
      for (const item of batch) jobs.push({ body: item.body, delaySeconds: item.delaySeconds });
    },
  } as unknown as IngestEnv["DELIVERY_QUEUE"];
  return { queue, jobs, calls };
}

/** Asserts the success envelope `{ success: true, data, meta: { requestId, duration } }`; returns data. */
export function expectSuccessEnvelope<T>(answer: ApiAnswer<T>, status = 200): T {
  expect(answer.status, JSON.stringify(answer.body)?.slice(0, 2000)).toBe(status);
  expect(Object.keys(answer.body).sort()).toEqual(["data", "meta", "success"]);
  expect(answer.body.success).toBe(true);
  const meta = answer.body.meta as { requestId: string; duration: number };
  expect(Object.keys(meta).sort()).toEqual(["duration", "requestId"]);
  expect(meta.requestId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  expect(typeof meta.duration).toBe("number");
  expect(meta.duration).toBeGreaterThanOrEqual(0);
  expect(answer.headers.get("x-request-id")).toBe(meta.requestId);
  return answer.body.data;
}

/**
 * Asserts the error envelope `{ success: false, error: { code, message, retryable, details? },
 * meta: { requestId } }` with the status and retryability documented for `code`; returns error.
 */
export function expectErrorEnvelope(
  answer: ApiAnswer<unknown>,
  status: number,
  code: ErrorCode,
  retryable: boolean = ERROR_CODES[code].retryable,
): ApiAnswer["body"]["error"] {
  expect(answer.status, JSON.stringify(answer.body)?.slice(0, 2000)).toBe(status);
  expect(ERROR_CODES[code].status).toBe(status);
  expect(Object.keys(answer.body).sort()).toEqual(["error", "meta", "success"]);
  expect(answer.body.success).toBe(false);
  const { error, meta } = answer.body;
  expect(Object.keys(error).every((key) => ["code", "message", "retryable", "details"].includes(key))).toBe(true);
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.retryable).toBe(retryable);
  if (error.details !== undefined) {
    expect(error.details.length).toBeGreaterThan(0);
    for (const detail of error.details) expect(detail).toEqual({ path: expect.any(String), message: expect.any(String) });
  }
  expect(Object.keys(meta)).toEqual(["requestId"]);
  expect(meta.requestId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  expect(answer.headers.get("x-request-id")).toBe(meta.requestId);
  return error;
}

/** The `path` of every entry of `error.details`. */
export function detailPaths(answer: ApiAnswer<unknown>): string[] {
  return (answer.body.error?.details ?? []).map((detail) => detail.path);
}

/** `SELECT COUNT(*) FROM <table> WHERE <where>`, straight against D1. */
export async function countRows(table: string, where: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
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

export const push = (overrides: Record<string, unknown> = {}) => ({
  channel: "push",
  to: "device-token-1",
  content: { text: "Hi" },
  ...overrides,
});

export const webhook = (overrides: Record<string, unknown> = {}) => ({
  channel: "webhook",
  to: "endpoint-1",
  content: { text: "{}" },
  ...overrides,
});

/** A new tenant with a key per scope, made by a new ops key. */
export const freshTenant = async (): Promise<TenantFixture> => createTenant(await createOpsKey());
