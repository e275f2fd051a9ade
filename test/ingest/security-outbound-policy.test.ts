import { env, exports } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import type { IngestEnv } from "../../workers/ingest/env";
import { type ApiAnswer, call, callApp, createOpsKey, createTenant, detailPaths, expectSuccessEnvelope } from "../support/api";
import { expectInvalid, randomHex } from "../support/checks";
import { insertProvider } from "../support/d1-fixtures";

/**
 * The SSRF finding of issue 9: provider addresses must name public hosts. Nothing here connects to
 * a private address: refused configs are refused before any connection, and every address that
 * would be reached if the policy failed is loopback on a port nobody listens on.
 */

/** As deployed: the wrangler TOMLs never set OUTBOUND_ALLOW_LOOPBACK. */
const DEPLOYED: Partial<IngestEnv> = { OUTBOUND_ALLOW_LOOPBACK: undefined };

const twilio = (extra: Record<string, unknown>) => ({
  accountSid: `AC${randomHex(16)}`,
  authToken: randomHex(16),
  from: "+15005550006",
  ...extra,
});
const resend = (extra: Record<string, unknown>) => ({ apiKey: `re_${randomHex(12)}`, from: "noreply@acme.test", ...extra });
const ses = (extra: Record<string, unknown>) => ({
  accessKeyId: `AKIA${randomHex(8)}`,
  secretAccessKey: randomHex(20),
  region: "eu-west-1",
  from: "noreply@acme.test",
  ...extra,
});
const smtp = (host: string) => ({ host, port: 587, security: "starttls", from: "noreply@acme.test" });
const webhook = (url: string) => ({ url, secret: randomHex(16) });

const REFUSED: [string, string, string, Record<string, unknown>][] = [
  ["webhook", "config.url", "link-local", webhook("https://169.254.169.254/latest/meta-data/")],
  ["webhook", "config.url", "private", webhook("https://10.0.0.1/hook")],
  ["webhook", "config.url", "IPv4-mapped", webhook("https://[::ffff:127.0.0.1]/hook")],
  ["webhook", "config.url", ".internal", webhook("https://metadata.google.internal/computeMetadata/v1/")],
  ["webhook", "config.url", "https", webhook("http://hooks.acme.test/relay")],
  ["twilio", "config.baseUrl", "private", twilio({ baseUrl: "https://192.168.1.10" })],
  ["twilio", "config.baseUrl", "unique-local", twilio({ baseUrl: "https://[fd00::1]" })],
  ["resend", "config.baseUrl", "CGNAT", resend({ baseUrl: "https://100.64.0.1" })],
  ["resend", "config.baseUrl", "private", resend({ baseUrl: "https://172.20.0.2:8080" })],
  ["aws-ses", "config.endpoint", "link-local", ses({ endpoint: "https://[fe80::1]" })],
  ["aws-ses", "config.endpoint", "unspecified", ses({ endpoint: "https://0.0.0.0" })],
  ["smtp", "config.host", "private", smtp("10.1.2.3")],
  ["smtp", "config.host", "private", smtp("167772161")],
  ["smtp", "config.host", ".internal", smtp("mail.internal")],
];

/** Loopback, in every spelling: allowed by the local stack's allowance, refused as deployed. */
const LOOPBACK: [string, string, Record<string, unknown>][] = [
  ["webhook", "config.url", webhook("http://127.0.0.1:1/hook")],
  ["webhook", "config.url", webhook("https://2130706433/hook")],
  ["webhook", "config.url", webhook("https://0x7f.1/hook")],
  ["webhook", "config.url", webhook("https://localhost/hook")],
  ["twilio", "config.baseUrl", twilio({ baseUrl: "https://[::1]" })],
  ["resend", "config.baseUrl", resend({ baseUrl: "http://127.0.0.1:1" })],
  ["aws-ses", "config.endpoint", ses({ endpoint: "https://127.0.0.1" })],
  ["smtp", "config.host", smtp("127.0.0.1")],
  ["smtp", "config.host", smtp("localhost")],
];

function expectRefused(answer: ApiAnswer<unknown>, path: string, reason: string) {
  expectInvalid(answer, path);
  const detail = answer.body.error.details?.find((d) => d.path === path);
  expect(detail?.message).toContain(reason);
}

describe("provider addresses at save time", () => {
  it.each(REFUSED)("POST refuses a %s provider pointing inward (%s: %s)", async (type, path, reason, config) => {
    const tenant = await createTenant(await createOpsKey());
    const answer = await call("POST", "/v1/providers", { key: tenant.adminKey, body: { type, name: "inward", config } });
    expectRefused(answer, path, reason);
    expect(answer.body.error.message).toContain("public host");
  });

  it.each(LOOPBACK)("as deployed, POST refuses a %s provider on loopback (%s = %j)", async (type, path, config) => {
    const tenant = await createTenant(await createOpsKey());
    const answer = await callApp(DEPLOYED, "POST", "/v1/providers", { key: tenant.adminKey, body: { type, name: "loop", config } });
    expectInvalid(answer, path);
  });

  it.each(LOOPBACK)("with the local allowance, POST accepts a %s provider on loopback (%s = %j)", async (type, _path, config) => {
    const tenant = await createTenant(await createOpsKey());
    expectSuccessEnvelope(await call("POST", "/v1/providers", { key: tenant.adminKey, body: { type, name: "loop", config } }), 201);
  });

  it("as deployed, accepts public https addresses", async () => {
    const tenant = await createTenant(await createOpsKey());
    for (const [type, config] of [
      ["webhook", webhook("https://hooks.acme.test/relay")],
      ["twilio", twilio({ baseUrl: "https://api.twilio.com" })],
      ["smtp", smtp("smtp.acme.test")],
    ] as const) {
      const answer = await callApp(DEPLOYED, "POST", "/v1/providers", { key: tenant.adminKey, body: { type, name: "public", config } });
      expectSuccessEnvelope(answer, 201);
    }
  });

  it("PATCH refuses a config changed to point inward, and one whose other field changes while it points inward", async () => {
    const tenant = await createTenant(await createOpsKey());
    const created = await call<{ id: string }>("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { type: "webhook", name: "hook", config: webhook("https://hooks.acme.test/relay") },
    });
    const id = expectSuccessEnvelope(created, 201).id;
    const patch = (config: Record<string, unknown>, bindings: Partial<IngestEnv> = {}) =>
      callApp(bindings, "PATCH", `/v1/providers/${id}`, { key: tenant.adminKey, body: { config } });
    expectRefused(await patch({ url: "https://169.254.169.254/" }), "config.url", "metadata");
    expectRefused(await patch({ url: "http://127.0.0.1:1/" }, DEPLOYED), "config.url", "https");

    // A config stored before the policy: changing only its secret re-checks the whole config.
    const stored = await insertProvider({
      tenantId: tenant.tenantId,
      type: "webhook",
      channel: "webhook",
      name: "old",
      config: webhook("https://[::ffff:127.0.0.1]:1/hook"),
    });
    const answer = await call("PATCH", `/v1/providers/${stored}`, { key: tenant.adminKey, body: { config: { secret: randomHex(16) } } });
    expectRefused(answer, "config.url", "IPv4-mapped");
  });

  it("the dashboard refuses it too, naming the field", async () => {
    const tenant = await createTenant(await createOpsKey());
    const cookies = await dashboardSession(tenant.adminKey);
    const form = await dashboard("GET", "/dashboard/providers/new?type=webhook", cookies);
    const answer = await dashboard("POST", "/dashboard/providers", cookies, {
      _csrf: csrfOf(form),
      type: "webhook",
      name: "hook",
      priority: "0",
      enabled: "yes",
      "config.url": "https://169.254.169.254/latest/meta-data/",
    });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain("The provider was not added.");
    expect(answer.html).toMatch(/name="config.url"[^>]*aria-invalid="true"\/><span class="field-error"> must be a public host name/);
  });
});

describe("provider addresses at test time: a stored config is re-checked", () => {
  type Check = { ok: boolean; message: string };

  it("POST /v1/providers/:id/test refuses without connecting, naming the field", async () => {
    const tenant = await createTenant(await createOpsKey());
    const id = await insertProvider({
      tenantId: tenant.tenantId,
      type: "webhook",
      channel: "webhook",
      name: "old",
      config: webhook("https://[::ffff:127.0.0.1]:1/hook"),
    });
    const data = expectSuccessEnvelope(await call<Check>("POST", `/v1/providers/${id}/test`, { key: tenant.adminKey }));
    expect(data.ok).toBe(false);
    expect(data.message).toContain("not attempted");
    expect(data.message).toContain("config.url");
    expect(data.message).toContain("IPv4-mapped");
  });

  it("as deployed, a loopback config stored under the local allowance is refused too", async () => {
    const tenant = await createTenant(await createOpsKey());
    const id = await insertProvider({ tenantId: tenant.tenantId, type: "smtp", channel: "email", name: "old", config: smtp("127.0.0.1") });
    const answer = await callApp<Check>(DEPLOYED, "POST", `/v1/providers/${id}/test`, { key: tenant.adminKey });
    const data = expectSuccessEnvelope(answer);
    expect(data.ok).toBe(false);
    expect(data.message).toContain("config.host");
    expect(data.message).toContain("loopback");
  });

  it("an unreachable address is reported in fixed words, not the connection error", async () => {
    const tenant = await createTenant(await createOpsKey());
    const created = await call<{ id: string }>("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { type: "webhook", name: "closed", config: webhook("http://127.0.0.1:1/hook") },
    });
    const id = expectSuccessEnvelope(created, 201).id;
    const data = expectSuccessEnvelope(await call<Check>("POST", `/v1/providers/${id}/test`, { key: tenant.adminKey }));
    expect(data).toMatchObject({ ok: false, message: "unreachable: could not connect" });
  });

  it("a certificate nobody trusts is reported as a TLS failure, not as an internal error", async () => {
    const tenant = await createTenant(await createOpsKey());
    const created = await call<{ id: string }>("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { type: "webhook", name: "self-signed", config: webhook(`${inject("untrustedTls")}/hook`) },
    });
    const id = expectSuccessEnvelope(created, 201).id;
    const data = expectSuccessEnvelope(await call<Check>("POST", `/v1/providers/${id}/test`, { key: tenant.adminKey }));
    expect(data).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^unreachable: the connection failed, most likely in its TLS handshake/),
    });
  });
});

// A dashboard session in miniature (sign in, keep the cookie, post forms with the CSRF token).
const ORIGIN = "http://relay.test";

async function dashboard(method: string, path: string, cookies: Map<string, string>, form?: Record<string, string>) {
  const headers = new Headers({ origin: ORIGIN });
  if (cookies.size > 0) headers.set("cookie", [...cookies].map(([name, value]) => `${name}=${value}`).join("; "));
  if (form) headers.set("content-type", "application/x-www-form-urlencoded");
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const response = await exports.default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }));
  for (const cookie of response.headers.getAll("set-cookie")) {
    const pair = cookie.split(";")[0];
    cookies.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
  }
  return { status: response.status, html: await response.text() };
}

async function dashboardSession(key: string): Promise<Map<string, string>> {
  const cookies = new Map<string, string>();
  const page = await dashboard("GET", "/dashboard/sign-in", cookies);
  const signedIn = await dashboard("POST", "/dashboard/sign-in", cookies, { apiKey: key, _csrf: csrfOf(page) });
  expect(signedIn.status).toBe(303);
  return cookies;
}

function csrfOf(page: { html: string }): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page.html);
  if (!match) throw new Error("no CSRF field");
  return match[1];
}

// The suite's own environment must carry the explicit allowance, or the loopback fakes elsewhere would fail.
it("the test environment sets the local loopback allowance explicitly", () => {
  expect(env.OUTBOUND_ALLOW_LOOPBACK).toBe("true");
  expect(detailPaths).toBeTypeOf("function");
});
