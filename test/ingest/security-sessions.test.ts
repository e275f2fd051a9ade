import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../shared/crypto/sha256";
import { SESSION_COOKIE } from "../../workers/ingest/dashboard/session";
import { call, countRows, createOpsKey, createTenant } from "../support/api";
import { Browser, signedInBrowser } from "../support/dashboard-browser";

type IssuedKey = { id: string; key: string };

async function issueAdminKey(opsKey: string, tenantId: string): Promise<IssuedKey> {
  const answer = await call<IssuedKey>("POST", `/v1/tenants/${tenantId}/api-keys`, {
    key: opsKey,
    body: { name: `admin-${crypto.randomUUID()}`, scopes: ["admin"] },
  });
  expect(answer.status).toBe(201);
  return answer.body.data;
}

/** Another browser holding a copy of `browser`'s session cookie, as a thief would. */
function copyOf(browser: Browser): Browser {
  const thief = new Browser();
  thief.cookies.set(SESSION_COOKIE, browser.cookies.get(SESSION_COOKIE) ?? "");
  return thief;
}

function cookieToken(browser: Browser): string {
  const body = (browser.cookies.get(SESSION_COOKIE) ?? "").split(".")[0];
  return JSON.parse(atob(body.replaceAll("-", "+").replaceAll("_", "/"))).token;
}

describe("dashboard sessions are stored server-side and revocable (issue 9, finding 3)", () => {
  it("the cookie holds only a session token and its expiry; D1 holds only the token's SHA-256", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const admin = await issueAdminKey(opsKey, tenant.tenantId);
    const browser = await signedInBrowser(admin.key);

    const body = (browser.cookies.get(SESSION_COOKIE) ?? "").split(".")[0];
    expect(Object.keys(JSON.parse(atob(body.replaceAll("-", "+").replaceAll("_", "/")))).sort()).toEqual(["expiresAt", "purpose", "token"]);
    const token = cookieToken(browser);
    expect(await countRows("dashboard_sessions", "key_id = ? AND token_hash = ?", admin.id, await sha256Hex(token))).toBe(1);
    expect(await countRows("dashboard_sessions", "token_hash = ? OR csrf = ?", token, token)).toBe(0);
  });

  it("a cookie copied before sign-out is sent to sign-in afterwards, and its forms change nothing", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const admin = await issueAdminKey(opsKey, tenant.tenantId);
    const victim = await signedInBrowser(admin.key);
    const thief = copyOf(victim);
    const stolenCsrf = await thief.token(`/dashboard/tenants/${tenant.tenantId}`);
    expect((await thief.get("/dashboard")).status).toBe(200);

    const out = await victim.post("/dashboard/sign-out", { _csrf: await victim.token() });
    expect(out.location).toBe("/dashboard/sign-in?reason=signed-out");
    expect(await countRows("dashboard_sessions", "key_id = ?", admin.id)).toBe(0);

    const page = await thief.get("/dashboard/messages");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/dashboard/sign-in?reason=signed-out");
    const keysBefore = await countRows("api_keys", "tenant_id = ?", tenant.tenantId);
    const issue = await copyOf(victim).post(
      `/dashboard/tenants/${tenant.tenantId}/keys`,
      { _csrf: stolenCsrf, name: "backdoor", scopes: "admin" },
      { origin: "http://relay.test" },
    );
    expect(issue.status).toBe(303);
    expect(issue.location).toMatch(/^\/dashboard\/sign-in/);
    expect(await countRows("api_keys", "tenant_id = ?", tenant.tenantId)).toBe(keysBefore);
  });

  it("sign out everywhere ends every session of the key, in every browser, and no other key's", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const admin = await issueAdminKey(opsKey, tenant.tenantId);
    const colleague = await issueAdminKey(opsKey, tenant.tenantId);
    const laptop = await signedInBrowser(admin.key);
    const phone = await signedInBrowser(admin.key);
    const stolen = copyOf(phone);
    const other = await signedInBrowser(colleague.key);

    const page = await laptop.get("/dashboard");
    expect(page.html).toContain("Sign out everywhere");
    const out = await laptop.post("/dashboard/sign-out-everywhere", { _csrf: await laptop.token() });
    expect(out.status).toBe(303);
    expect(out.location).toBe("/dashboard/sign-in?reason=signed-out-everywhere");
    expect(laptop.cookies.has(SESSION_COOKIE)).toBe(false);
    expect((await laptop.get(out.location ?? "")).html).toContain("signed out in every browser");

    for (const browser of [phone, stolen]) {
      const next = await browser.get("/dashboard/providers");
      expect(next.status).toBe(303);
      expect(next.location).toBe("/dashboard/sign-in?reason=signed-out");
    }
    expect(await countRows("dashboard_sessions", "key_id = ?", admin.id)).toBe(0);
    expect((await other.get("/dashboard/providers")).status).toBe(200);
  });

  it("sign out everywhere is a form like any other: it needs the session's CSRF token", async () => {
    const browser = await signedInBrowser(await createOpsKey());
    const refused = await browser.post("/dashboard/sign-out-everywhere", {});
    expect(refused.status).toBe(403);
    expect((await browser.get("/dashboard")).status).toBe(200);
  });

  it("revoking the key ends its sessions at once, copies included", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const admin = await issueAdminKey(opsKey, tenant.tenantId);
    const browser = await signedInBrowser(admin.key);
    const stolen = copyOf(browser);
    expect((await stolen.get("/dashboard/messages")).status).toBe(200);

    expect((await call("DELETE", `/v1/api-keys/${admin.id}`, { key: opsKey })).status).toBe(200);

    for (const one of [browser, stolen]) {
      const page = await one.get("/dashboard/messages");
      expect(page.status).toBe(303);
      expect(page.location).toBe("/dashboard/sign-in?reason=revoked");
    }
  });

  it("a session past its 8 hours in D1 is refused, even with a cookie that says otherwise", async () => {
    const opsKey = await createOpsKey();
    const tenant = await createTenant(opsKey);
    const admin = await issueAdminKey(opsKey, tenant.tenantId);
    const browser = await signedInBrowser(admin.key);
    await env.DB.prepare("UPDATE dashboard_sessions SET expires_at = ? WHERE key_id = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), admin.id)
      .run();

    const page = await browser.get("/dashboard");
    expect(page.location).toBe("/dashboard/sign-in?reason=expired");
    expect(await countRows("dashboard_sessions", "key_id = ?", admin.id)).toBe(0);
  });
});
