import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealCanary } from "../../shared/crypto/secret-canary";
import { database } from "../../shared/db/database";
import { deadLetters, messages } from "../../shared/db/schema";
import type { Channel, MessageStatus } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import { createApp } from "../../workers/ingest/app";
import { SESSION_COOKIE, SESSION_TTL_MS, sessionCookieValue } from "../../workers/ingest/dashboard/session";
import { createSession } from "../../workers/ingest/dashboard/session-store";
import { lastDayHours, overview } from "../../workers/ingest/services/overview";
import { call, countRows, createOpsKey, createTenant, sms } from "../support/api";
import { countingD1 } from "../support/d1-counter";
import { insertProvider } from "../support/d1-fixtures";
import { Browser, csrfOf, ORIGIN, signedInBrowser } from "../support/dashboard-browser";

async function sendMessage(key: string): Promise<string> {
  const answer = await call<{ id: string }>("POST", "/v1/messages", { key, body: sms() });
  expect(answer.status).toBe(202);
  return answer.body.data.id;
}

/** What the dispatch worker's DLQ consumer leaves behind: a failed message and its dead letter. */
async function seedDeadLetter(tenantId: string, at = new Date()): Promise<{ id: string; messageId: string }> {
  const db = database(env.DB);
  const messageId = newId("message");
  const id = newId("deadLetter");
  const now = at.toISOString();
  await db.insert(messages).values({
    id: messageId,
    tenantId,
    channel: "sms",
    direction: "outbound",
    recipient: "+14155550100",
    content: { text: "hello" },
    status: "failed",
    attempts: 4,
    lastError: "every provider failed: upstream 503",
    metadata: {},
    createdAt: now,
    updatedAt: now,
  });
  await db.insert(deadLetters).values({
    id,
    messageId,
    tenantId,
    lastError: "every provider failed: upstream 503",
    attempts: 4,
    body: { messageId, tenantId, requestId: "req_test" },
    deadLetteredAt: now,
  });
  return { id, messageId };
}

type MessageAt = { status: MessageStatus; channel: Channel; createdAt: Date; sentAt?: Date; updatedAt?: Date };

async function insertMessage(tenantId: string, at: MessageAt): Promise<void> {
  await database(env.DB)
    .insert(messages)
    .values({
      id: newId("message"),
      tenantId,
      channel: at.channel,
      direction: "outbound",
      recipient: "+14155550100",
      content: { text: "hello" },
      status: at.status,
      sentAt: at.sentAt?.toISOString() ?? null,
      metadata: {},
      createdAt: at.createdAt.toISOString(),
      updatedAt: (at.updatedAt ?? at.createdAt).toISOString(),
    });
}

describe("dashboard overview counts", () => {
  it("counts by status, channel and hour in one D1 round trip, whatever the number of messages", async () => {
    const { tenantId } = await createTenant(await createOpsKey());
    const now = new Date();
    const hoursAgo = (n: number) => new Date(now.getTime() - n * 3_600_000);
    for (let i = 0; i < 3; i++)
      await insertMessage(tenantId, { status: "delivered", channel: "email", createdAt: hoursAgo(2), sentAt: hoursAgo(2) });
    await insertMessage(tenantId, { status: "sent", channel: "sms", createdAt: now, sentAt: now });
    for (let i = 0; i < 2; i++)
      await insertMessage(tenantId, { status: "failed", channel: "sms", createdAt: hoursAgo(6), updatedAt: hoursAgo(5) });
    await insertMessage(tenantId, { status: "queued", channel: "push", createdAt: hoursAgo(72) });
    await insertMessage(tenantId, { status: "sent", channel: "push", createdAt: hoursAgo(200), sentAt: hoursAgo(200) });
    await seedDeadLetter(tenantId, now);

    const { db, counter } = countingD1(env.DB);
    const result = await overview(database(db), tenantId, now);
    expect(counter).toEqual({ roundTrips: 1, statements: 4, rowsWritten: 0 });

    const count = (status: string, channel: string) => result.counts.find((c) => c.status === status && c.channel === channel);
    expect(count("delivered", "email")).toEqual({ status: "delivered", channel: "email", lastDay: 3, lastWeek: 3 });
    expect(count("queued", "push")).toEqual({ status: "queued", channel: "push", lastDay: 0, lastWeek: 1 });
    expect(count("sent", "push")).toBeUndefined();
    // The seeded dead letter's message failed just now.
    expect(count("failed", "sms")).toEqual({ status: "failed", channel: "sms", lastDay: 3, lastWeek: 3 });
    expect(result.deadLetters).toBe(1);

    const hours = lastDayHours(now);
    expect(result.hourly.map((h) => h.hour)).toEqual(hours);
    const at = (n: number) => result.hourly[23 - n];
    expect(at(2)).toMatchObject({ sent: 3, failed: 0 });
    expect(at(5)).toMatchObject({ sent: 0, failed: 2 });
    expect(at(0)).toMatchObject({ sent: 1, failed: 1 });
    expect(result.hourly.reduce((n, h) => n + h.sent + h.failed, 0)).toBe(7);
  });
});

describe("dashboard sign-in", () => {
  it("signs an ops key in with a signed, HttpOnly, SameSite=Strict session cookie that does not hold the key", async () => {
    const opsKey = await createOpsKey();
    const browser = new Browser();
    const answer = await browser.signIn(opsKey);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe("/dashboard");
    const cookie = answer.headers.getAll("set-cookie").find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/dashboard(;|$)/);
    expect(cookie).toMatch(/Max-Age=28800/);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).not.toContain(opsKey);
    expect(atob((browser.cookies.get(SESSION_COOKIE) ?? "").split(".")[0].replaceAll("-", "+").replaceAll("_", "/"))).not.toContain(opsKey);

    const overview = await browser.get("/dashboard");
    expect(overview.status).toBe(200);
    expect(overview.html).toContain("<h1>Overview</h1>");
    expect(overview.html).toContain("Signed in as ops");
  });

  it("marks the cookie Secure when the dashboard is served over https", async () => {
    const browser = new Browser();
    const form = await browser.get("https://relay.test/dashboard/sign-in");
    const answer = await browser.post(
      "https://relay.test/dashboard/sign-in",
      { apiKey: await createOpsKey(), _csrf: csrfOf(form.html) },
      { origin: "https://relay.test" },
    );
    expect(answer.status).toBe(303);
    expect(answer.headers.getAll("set-cookie").find((c) => c.startsWith(`${SESSION_COOKIE}=`))).toMatch(/Secure/);
  });

  it("refuses a wrong key, a revoked key and a key without the admin scope, saying why", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);

    const wrong = await new Browser().signIn(`rk_${"x".repeat(40)}`);
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain("that API key is unknown or has been revoked");

    const readOnly = await new Browser().signIn(tenant.readKey);
    expect(readOnly.status).toBe(403);
    expect(readOnly.html).toContain("this key needs the admin scope");

    const keys = await call<{ items: { id: string; scopes: string[] }[] }>("GET", `/v1/tenants/${tenant.tenantId}/api-keys`, {
      key: opsKey,
    });
    const adminKeyId = keys.body.data.items.find((k) => k.scopes.includes("admin"))?.id;
    expect((await call("DELETE", `/v1/api-keys/${adminKeyId}`, { key: opsKey })).status).toBe(200);
    const revoked = await new Browser().signIn(tenant.adminKey);
    expect(revoked.status).toBe(401);
    expect(revoked.html).toContain("that API key is unknown or has been revoked");
    for (const page of [wrong, readOnly, revoked])
      expect(page.headers.getAll("set-cookie").some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  });

  it("refuses a sign-in form posted without its token", async () => {
    const browser = new Browser();
    await browser.get("/dashboard/sign-in");
    const answer = await browser.post("/dashboard/sign-in", { apiKey: await createOpsKey() });
    expect(answer.status).toBe(403);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });
});

describe("dashboard sessions", () => {
  it("sends a request without a session to sign-in", async () => {
    for (const path of ["/dashboard", "/dashboard/messages", "/dashboard/dead-letters", "/dashboard/providers", "/dashboard/tenants"]) {
      const page = await new Browser().get(path);
      expect(page.status).toBe(303);
      expect(page.location).toBe("/dashboard/sign-in");
    }
  });

  it("rejects a tampered cookie: another tenant written into a signed session", async () => {
    const opsKey = await createOpsKey();
    const mine = await createTenant(opsKey, "Mine");
    const other = await createTenant(opsKey, "Other");
    const otherMessage = await sendMessage(other.sendKey);
    const browser = await signedInBrowser(mine.adminKey);

    const [body, signature] = (browser.cookies.get(SESSION_COOKIE) ?? "").split(".");
    const payload = JSON.parse(atob(body.replaceAll("-", "+").replaceAll("_", "/")));
    const forged = btoa(JSON.stringify({ ...payload, tenantId: null }))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    browser.cookies.set(SESSION_COOKIE, `${forged}.${signature}`);

    const page = await browser.get(`/dashboard/messages/${otherMessage}`);
    expect(page.status).toBe(303);
    expect(page.location).toBe("/dashboard/sign-in");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it("sends an expired session back to sign-in, which says it expired", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const keys = await call<{ items: { id: string; scopes: string[] }[] }>("GET", `/v1/tenants/${tenant.tenantId}/api-keys`, {
      key: opsKey,
    });
    const keyId = keys.body.data.items.find((k) => k.scopes.includes("admin"))?.id ?? "";
    const session = await createSession(database(env.DB), keyId, Date.now() - SESSION_TTL_MS - 1000);
    const browser = new Browser();
    browser.cookies.set(SESSION_COOKIE, await sessionCookieValue(env.ENCRYPTION_SECRET, session));

    const page = await browser.get("/dashboard/messages");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/dashboard/sign-in?reason=expired");
    expect((await browser.get(page.location ?? "")).html).toContain("Your session expired");
  });

  it("ends a session at its next request once its key is revoked", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const browser = await signedInBrowser(tenant.adminKey);
    expect((await browser.get("/dashboard/messages")).status).toBe(200);

    const keys = await call<{ items: { id: string; scopes: string[] }[] }>("GET", `/v1/tenants/${tenant.tenantId}/api-keys`, {
      key: opsKey,
    });
    const adminKeyId = keys.body.data.items.find((k) => k.scopes.includes("admin"))?.id;
    expect((await call("DELETE", `/v1/api-keys/${adminKeyId}`, { key: opsKey })).status).toBe(200);

    const page = await browser.get("/dashboard/messages");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/dashboard/sign-in?reason=revoked");
  });

  it("signs out: the cookie is cleared and the pages need a sign-in again", async () => {
    const browser = await signedInBrowser(await createOpsKey());
    const out = await browser.post("/dashboard/sign-out", { _csrf: await browser.token() });
    expect(out.status).toBe(303);
    expect(out.location).toBe("/dashboard/sign-in?reason=signed-out");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect((await browser.get("/dashboard")).status).toBe(303);
  });
});

describe("dashboard CSRF protection", () => {
  it("refuses a form without the token, with a wrong token, or from another origin — and changes nothing", async () => {
    const browser = await signedInBrowser(await createOpsKey());
    const token = await browser.token();
    const name = `csrf-${crypto.randomUUID()}`;

    const missing = await browser.post("/dashboard/tenants", { name });
    expect(missing.status).toBe(403);
    expect(missing.html).toContain("could not be verified");
    const wrong = await browser.post("/dashboard/tenants", { name, _csrf: `${token.slice(0, -2)}xx` });
    expect(wrong.status).toBe(403);
    const crossOrigin = await browser.post("/dashboard/tenants", { name, _csrf: token }, { origin: "https://evil.example" });
    expect(crossOrigin.status).toBe(403);
    const crossSite = await browser.post("/dashboard/tenants", { name, _csrf: token }, { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(await countRows("tenants", "name = ?", name)).toBe(0);

    const accepted = await browser.post("/dashboard/tenants", { name, _csrf: token }, { origin: ORIGIN });
    expect(accepted.status).toBe(303);
    expect(await countRows("tenants", "name = ?", name)).toBe(1);
  });

  it("does not accept another session's token", async () => {
    const opsKey = await createOpsKey();
    const mine = await signedInBrowser(opsKey);
    const theirs = await signedInBrowser(opsKey);
    const name = `csrf-${crypto.randomUUID()}`;
    const answer = await mine.post("/dashboard/tenants", { name, _csrf: await theirs.token() });
    expect(answer.status).toBe(403);
    expect(await countRows("tenants", "name = ?", name)).toBe(0);
  });
});

describe("dashboard tenancy", () => {
  it("shows a tenant's admin only its own tenant: another tenant's message, dead letter and provider are 404 pages", async () => {
    const opsKey = await createOpsKey();
    const mine = await createTenant(opsKey, "Mine");
    const other = await createTenant(opsKey, "Other");
    const myMessage = await sendMessage(mine.sendKey);
    const otherMessage = await sendMessage(other.sendKey);
    const otherLetter = await seedDeadLetter(other.tenantId);
    const otherProvider = await call<{ id: string }>("POST", "/v1/providers", {
      key: other.adminKey,
      body: { type: "system", name: "theirs", channel: "sms", config: {} },
    });
    const browser = await signedInBrowser(mine.adminKey);

    const list = await browser.get("/dashboard/messages");
    expect(list.html).toContain(myMessage);
    expect(list.html).not.toContain(otherMessage);
    for (const path of [
      `/dashboard/messages/${otherMessage}`,
      `/dashboard/dead-letters/${otherLetter.id}`,
      `/dashboard/providers/${otherProvider.body.data.id}`,
      `/dashboard/tenants/${other.tenantId}`,
    ]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(404);
      expect(page.html).toContain("not found");
    }
    expect((await browser.get(`/dashboard/messages/${myMessage}`)).status).toBe(200);
    expect((await browser.get(`/dashboard/messages?tenantId=${other.tenantId}`)).status).toBe(403);
    const deadLetterList = await browser.get("/dashboard/dead-letters");
    expect(deadLetterList.html).not.toContain(otherLetter.id);
  });

  it("shows an email's recipients, reply-to, headers and attachments on its message page", async () => {
    const tenant = await createTenant(await createOpsKey(), "Mailer");
    const sent = await call<{ id: string }>("POST", "/v1/messages", {
      key: tenant.sendKey,
      body: {
        channel: "email",
        to: ["ada@example.com", "bob@example.com"],
        cc: ["carol@example.com"],
        bcc: ["audit@example.com"],
        replyTo: "support@example.com",
        headers: { "X-Campaign": "december" },
        attachments: [{ filename: "invoice.pdf", contentType: "application/pdf", content: btoa("%PDF-1.4 test") }],
        subject: "Your invoice",
        content: { text: "Attached." },
      },
    });
    expect(sent.status).toBe(202);
    const page = await (await signedInBrowser(tenant.adminKey)).get(`/dashboard/messages/${sent.body.data.id}`);
    expect(page.status).toBe(200);
    for (const text of [
      "ada@example.com, bob@example.com",
      "carol@example.com",
      "audit@example.com",
      "support@example.com",
      "X-Campaign: december",
      "invoice.pdf (application/pdf, 13 bytes)",
    ])
      expect(page.html, text).toContain(text);
    expect(page.html).not.toContain(`${tenant.tenantId}/${sent.body.data.id}/0`);
  });

  it("does not let a tenant's admin redrive another tenant's dead letter", async () => {
    const opsKey = await createOpsKey();
    const mine = await createTenant(opsKey, "Mine");
    const other = await createTenant(opsKey, "Other");
    const letter = await seedDeadLetter(other.tenantId);
    const browser = await signedInBrowser(mine.adminKey);
    const answer = await browser.post(`/dashboard/dead-letters/${letter.id}/redrive`, { _csrf: await browser.token(), confirm: "yes" });
    expect(answer.status).toBe(404);
    expect(await countRows("dead_letters", "id = ? AND redriven_at IS NULL", letter.id)).toBe(1);
  });
});

describe("dashboard keys", () => {
  it("lets a tenant's admin issue and revoke its own keys, but not create tenants", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const browser = await signedInBrowser(tenant.adminKey);
    const tenants = await browser.get("/dashboard/tenants");
    expect(tenants.location).toBe(`/dashboard/tenants/${tenant.tenantId}`);
    const page = await browser.get(tenants.location ?? "");
    const token = csrfOf(page.html);

    const keysBefore = await countRows("api_keys", "tenant_id = ?", tenant.tenantId);
    const posted = await browser.post(`/dashboard/tenants/${tenant.tenantId}/keys`, { _csrf: token, name: "reporting", scopes: ["read"] });
    // POST, redirect, GET: the key is shown by a page a refresh cannot issue again.
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/dashboard/tenants/${tenant.tenantId}/issued`);
    expect(posted.html).not.toContain("rk_");
    const cookie = [...browser.cookies.values()].join(" ");
    const issued = await browser.get(posted.location ?? "");
    const key = /<output[^>]*>(rk_[A-Za-z0-9]+)<\/output>/.exec(issued.html)?.[1] ?? "";
    expect(key).toMatch(/^rk_/);
    expect(cookie).not.toContain(key.slice(3));
    expect((await call("GET", "/v1/messages", { key })).status).toBe(200);
    const refreshed = await browser.get(posted.location ?? "");
    expect(refreshed.status).toBe(200);
    expect(refreshed.html).not.toContain(key);
    expect(refreshed.html).toContain("A new key is shown once only");
    expect(await countRows("api_keys", "tenant_id = ?", tenant.tenantId)).toBe(keysBefore + 1);
    expect((await browser.get(`/dashboard/tenants/${tenant.tenantId}`)).html).not.toContain(key);

    const keys = await call<{ items: { id: string; name: string }[] }>("GET", `/v1/tenants/${tenant.tenantId}/api-keys`, { key: opsKey });
    const keyId = keys.body.data.items.find((k) => k.name === "reporting")?.id;
    const revoked = await browser.post(`/dashboard/api-keys/${keyId}/revoke`, { _csrf: token, confirm: "yes" });
    expect(revoked.location).toBe(`/dashboard/tenants/${tenant.tenantId}?done=revoked`);
    expect((await call("GET", "/v1/messages", { key })).status).toBe(401);

    const name = `not-allowed-${crypto.randomUUID()}`;
    expect((await browser.post("/dashboard/tenants", { _csrf: token, name })).status).toBe(403);
    expect(await countRows("tenants", "name = ?", name)).toBe(0);
  });
});

describe("dashboard actions", () => {
  it("redrives a dead letter only once confirmed, then shows the result", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const letter = await seedDeadLetter(tenant.tenantId);
    const browser = await signedInBrowser(opsKey);
    const page = await browser.get(`/dashboard/dead-letters/${letter.id}`);
    expect(page.html).toContain("every provider failed: upstream 503");
    const token = csrfOf(page.html);

    const unconfirmed = await browser.post(`/dashboard/dead-letters/${letter.id}/redrive`, { _csrf: token });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.html).toContain("Tick the confirmation box");
    expect(await countRows("messages", "id = ? AND status = 'failed'", letter.messageId)).toBe(1);

    const redriven = await browser.post(`/dashboard/dead-letters/${letter.id}/redrive`, { _csrf: token, confirm: "yes" });
    expect(redriven.status).toBe(303);
    expect(redriven.location).toBe(`/dashboard/dead-letters/${letter.id}?done=redriven`);
    expect((await browser.get(redriven.location ?? "")).html).toContain("Redriven: the message is queued for delivery again.");
    expect(await countRows("messages", "id = ? AND status = 'queued' AND attempts = 0", letter.messageId)).toBe(1);

    const again = await browser.post(`/dashboard/dead-letters/${letter.id}/redrive`, { _csrf: token, confirm: "yes" });
    expect(again.status).toBe(409);
    expect(again.html).toContain("already redriven");
  });

  it("redrives a selection and reports each outcome", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const first = await seedDeadLetter(tenant.tenantId);
    const second = await seedDeadLetter(tenant.tenantId);
    const browser = await signedInBrowser(opsKey);
    const answer = await browser.post("/dashboard/dead-letters/redrive", {
      _csrf: await browser.token(),
      confirm: "yes",
      ids: [first.id, second.id, "dlq_missing"],
    });
    expect(answer.status).toBe(200);
    expect(answer.html).toContain("2 of 3 redriven.");
    expect(await countRows("dead_letters", "id IN (?, ?) AND redriven_at IS NOT NULL", first.id, second.id)).toBe(2);
  });

  it("adds a provider from its type's fields, keeps the secret write-only, and tests its connection", async () => {
    const browser = await signedInBrowser(await createOpsKey());
    const form = await browser.get("/dashboard/providers/new?type=webhook");
    expect(form.html).toContain('name="config.url"');
    expect(form.html).toMatch(/name="config.secret" type="password"/);

    const secret = `whsec_${btoa(crypto.randomUUID())}`;
    const invalid = await browser.post("/dashboard/providers", {
      _csrf: csrfOf(form.html),
      type: "webhook",
      name: "hook",
      priority: "0",
      enabled: "yes",
      "config.url": "not a url",
      "config.secret": secret,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.html).toContain("The provider was not added. The config is not valid for a webhook provider.");
    expect(invalid.html).toMatch(
      /name="config.url" type="url" value="not a url"[^>]*aria-invalid="true"\/><span class="field-error"> Invalid URL/,
    );
    expect(invalid.html).not.toContain(secret);

    const created = await browser.post("/dashboard/providers", {
      _csrf: csrfOf(form.html),
      type: "system",
      name: `sys-${crypto.randomUUID()}`,
      channel: "push",
      priority: "3",
      enabled: "yes",
    });
    expect(created.status).toBe(303);
    const page = await browser.get(created.location ?? "");
    expect(page.html).toContain("The provider was added.");
    expect(page.html).toContain("3 (0 is the primary");
    const providerId = /<code>(prv_[A-Za-z0-9]+)<\/code>/.exec(page.html)?.[1];
    const tested = await browser.post(`/dashboard/providers/${providerId}/test`, { _csrf: csrfOf(page.html) });
    expect(tested.status).toBe(200);
    expect(tested.html).toContain("Connection test passed: system provider is ready");
  });

  it("shows counts, the dead-letter backlog and provider health on the overview", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    await sendMessage(tenant.sendKey);
    await seedDeadLetter(tenant.tenantId);
    await call("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { type: "system", name: "health-probe", channel: "sms", config: {} },
    });
    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get("/dashboard");
    const html = page.html.replaceAll(/\s+/g, " ");
    expect(html).toMatch(/Dead letters waiting <strong>1<\/strong>/);
    expect(html).toMatch(/status-queued">queued<\/span><\/th><td class="num">0<\/td><td class="num">1<\/td>/);
    expect(html).toMatch(/<svg class="chart" role="img"/);
    expect(html).toMatch(/health-probe<\/a>.*state-closed">closed/);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html).not.toContain('role="alert"');
  });

  it("warns on the overview when this worker's secret does not open the deploy canary", async () => {
    const browser = await signedInBrowser(await createOpsKey());
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const otherCanary = await sealCanary(`another-secret-${crypto.randomUUID()}`);
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request(`${ORIGIN}/dashboard`, { headers: { cookie } }),
      { ...env, ENCRYPTION_CANARY: otherCanary },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect((await response.text()).replaceAll(/\s+/g, " ")).toMatch(/role="alert">\s*Encryption secret: ENCRYPTION_SECRET does not open/);
  });
});

describe("dashboard names", () => {
  it("names a provider's owning tenant on its page and on the overview, not its id", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey, "Named Tenant Ltd");
    const provider = await insertProvider({ tenantId: tenant.tenantId, type: "system", channel: "sms", name: "Named SMS", config: {} });
    const browser = await signedInBrowser(opsKey);
    const page = await browser.get(`/dashboard/providers/${provider}`);
    expect(page.html).toContain("<dd>Named Tenant Ltd</dd>");
    const overview = await browser.get(`/dashboard?tenantId=${tenant.tenantId}`);
    expect(overview.html).toContain("<td>Named Tenant Ltd</td>");
  });
});
