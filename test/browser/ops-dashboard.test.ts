import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../workers/ingest/dashboard/signed-token";
import { eventually } from "../e2e/harness/relay-client";
import { type StackProcess, startStackProcess } from "../e2e/harness/stack-process";
import { type FakeResend, startFakeResend } from "../support/node/fakes/fake-resend";
import { type DashboardTab, launchChromium, notice, openTab, screenshot, signIn } from "./harness/browser";
import { type RelayApi, relayApi } from "./harness/relay-api";

let stack: StackProcess;
let relay: RelayApi;
let browser: Browser;
let tab: DashboardTab;

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayApi(stack.credentials);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});
afterEach(async () => {
  // Nothing outside the Worker is ever fetched: every request went to the local ingest.
  const outside = tab.requests.filter((url) => !url.startsWith(`${stack.credentials.ingestUrl}/`));
  expect(outside).toEqual([]);
  expect(tab.requests.length).toBeGreaterThan(0);
  await tab.context.close();
});

const url = (path: string) => `${stack.credentials.ingestUrl}/dashboard${path}`;
const mainText = async (page: Page) => (await page.locator("main").textContent()) ?? "";

async function asOps(): Promise<Page> {
  tab = await openTab(browser);
  await signIn(tab.page, stack.credentials.ingestUrl, stack.credentials.adminKey);
  await expect.poll(() => tab.page.url()).toBe(url(""));
  return tab.page;
}

describe("the dashboard, signed in as ops", () => {
  it("shows a clear error for a wrong key, then signs in and shows the overview", async () => {
    tab = await openTab(browser);
    const page = tab.page;
    await signIn(page, stack.credentials.ingestUrl, `rk_${randomBytes(20).toString("hex")}`);
    await notice(page, "alert", "Sign-in failed: that API key is unknown or has been revoked.");
    await screenshot(page, "sign-in-wrong-key");

    await signIn(page, stack.credentials.ingestUrl, stack.credentials.adminKey);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Overview");
    expect(await page.getByRole("img", { name: /Sent and failed messages per hour/ }).count()).toBe(1);
    expect(await page.locator("table", { hasText: "Circuit" }).locator("tbody tr").count()).toBeGreaterThanOrEqual(4);
    expect(await mainText(page)).toContain("closed");
    await screenshot(page, "ops-overview");
  });

  it("shows a dead letter; after enabling the spare provider, a redrive gets the message sent", async () => {
    const { tenantId, apiKey } = stack.credentials;
    await relay.systemProvider(tenantId, { name: "flaky push", channel: "push", priority: 0, enabled: true, fail: "transient" });
    const spare = await relay.systemProvider(tenantId, { name: "spare push", channel: "push", priority: 1, enabled: false });
    const message = await relay.send(apiKey, { channel: "push", to: "device-42", text: "ping" });
    const letter = await relay.deadLetterOf(message.id);

    const page = await asOps();
    await page.getByRole("link", { name: "Dead letters", exact: true }).click();
    const row = page.locator("tr", { hasText: letter.id });
    expect(await row.textContent()).toContain("system provider configured to fail (transient)");
    expect(await row.textContent()).toContain(message.id);
    await screenshot(page, "dead-letters");

    await page.getByRole("link", { name: "Providers", exact: true }).click();
    await page.getByRole("link", { name: "spare push" }).click();
    await page.getByRole("button", { name: "Enable" }).click();
    await notice(page, "status", "The provider is enabled.");
    expect(await mainText(page)).toContain(spare.id);
    await screenshot(page, "provider-enabled");

    await page.getByRole("link", { name: "Dead letters", exact: true }).click();
    await page.getByRole("link", { name: letter.id }).click();
    expect(await page.locator("details pre").first().textContent()).toContain(message.id);
    await page.getByLabel(/the message goes back on the delivery queue/).check();
    await page.getByRole("button", { name: "Redrive", exact: true }).click();
    await notice(page, "status", "Redriven: the message is queued for delivery again.");
    await screenshot(page, "dead-letter-redriven");

    await page.getByRole("link", { name: message.id }).click();
    await eventually(async () => {
      await page.reload();
      return (await page.locator("dl.facts dd").first().textContent()) === "sent" ? true : undefined;
    }, 30_000);
    expect(await page.locator("main table").textContent()).toContain(`redriven from dead letter ${letter.id}`);
    // Names, not ids: the provider that sent it, and in its event.
    expect(await page.locator("dl.facts").textContent()).toContain("spare push");
    await screenshot(page, "message-sent-after-redrive");
  });

  it("adds a Resend provider with its own fields, shows the secret masked, and tests its connection", async () => {
    const apiKey = `re_${randomBytes(16).toString("hex")}`;
    const resend: FakeResend = await startFakeResend(apiKey, `whsec_${randomBytes(24).toString("base64")}`);
    try {
      const page = await asOps();
      await page.goto(url("/providers"));
      await page.getByRole("link", { name: "Add a provider" }).click();
      await page.getByLabel("Provider type").selectOption("resend");
      await page.getByRole("button", { name: "Show its fields" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Resend (fake)");
      await page.getByLabel("Owner").selectOption(stack.credentials.tenantId);
      await page.getByLabel("API key", { exact: true }).fill(apiKey);
      await page.getByLabel("From address").fill("relay@example.com");
      await page.getByLabel("Base URL").fill(resend.baseUrl);
      await screenshot(page, "provider-form-resend");
      await page.getByRole("button", { name: "Add provider" }).click();

      await notice(page, "status", "The provider was added.");
      expect(await mainText(page)).toContain(`…${apiKey.slice(-4)}`);
      expect(await page.content()).not.toContain(apiKey);
      await page.getByRole("button", { name: "Test connection" }).click();
      await notice(page, "status", /^Connection test passed: /);
      await screenshot(page, "provider-test-passed");

      await page.goto(url("/providers/new?type=resend"));
      await page.getByLabel("Name", { exact: true }).fill("Resend (wrong key)");
      await page.getByLabel("API key", { exact: true }).fill(`re_${randomBytes(16).toString("hex")}`);
      await page.getByLabel("From address").fill("relay@example.com");
      await page.getByLabel("Base URL").fill(resend.baseUrl);
      await page.getByRole("button", { name: "Add provider" }).click();
      await page.getByRole("button", { name: "Test connection" }).click();
      await notice(page, "alert", /^Connection test failed: /);
      await screenshot(page, "provider-test-failed");
    } finally {
      await resend.close();
    }
  });

  it("refuses a form posted without its CSRF token, and accepts it with the token", async () => {
    const page = await asOps();
    await page.getByRole("link", { name: "Tenants and keys" }).click();
    const name = `csrf-${randomBytes(4).toString("hex")}`;
    await page.locator(`form[action="/dashboard/tenants"] input[name="_csrf"]`).evaluate((input) => input.remove());
    await page.getByLabel("Name", { exact: true }).fill(name);
    const refused = page.waitForResponse((response) => response.request().method() === "POST");
    await page.getByRole("button", { name: "Create tenant" }).click();
    expect((await refused).status()).toBe(403);
    await notice(page, "alert", /^This form could not be verified/);
    await screenshot(page, "csrf-refused");
    const tenants = await relay.call<{ items: { name: string }[] }>(stack.credentials.adminKey, "GET", "/v1/tenants");
    expect(tenants.data.items.map((t) => t.name)).not.toContain(name);

    await page.goto(url("/tenants"));
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Create tenant" }).click();
    await notice(page, "status", "The tenant was created.");
  });

  it("creates a tenant, issues a key shown once, and revokes it", async () => {
    const page = await asOps();
    await page.getByRole("link", { name: "Tenants and keys" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Browser Co");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await notice(page, "status", "The tenant was created.");
    const tenantId = (await page.locator("main p code").first().textContent()) ?? "";
    expect(tenantId).toMatch(/^ten_/);

    await page.getByLabel("Key name").fill("ci sender");
    await page.getByLabel("send").check();
    await page.getByRole("button", { name: "Issue key" }).click();
    const key = (await page.getByRole("status", { name: "The new API key" }).textContent()) ?? "";
    expect(key).toMatch(/^rk_/);
    await screenshot(page, "key-issued");
    // A refresh shows the key no more and issues none: the page came by a redirect, not the POST.
    expect(page.url()).toMatch(/\/dashboard\/tenants\/ten_[A-Za-z0-9]+\/issued$/);
    await page.reload();
    expect(await page.content()).not.toContain(key);
    await notice(page, "status", /^A new key is shown once only/);
    const keys = await relay.call<{ items: unknown[] }>(stack.credentials.adminKey, "GET", `/v1/tenants/${tenantId}/api-keys`);
    expect(keys.data.items).toHaveLength(1);
    const sent = await relay.send(key, { channel: "sms", to: "+14155550199", text: "from the new key" });
    expect(sent.id).toMatch(/^msg_/);

    await page.goto(url(`/tenants/${tenantId}`));
    expect(await page.content()).not.toContain(key);
    await page.getByLabel(/"ci sender" stops working at once/).check();
    await page.getByRole("button", { name: "Revoke" }).click();
    await notice(page, "status", "The key was revoked; it no longer works anywhere.");
    const refused = await relay.call(key, "POST", "/v1/messages", { channel: "sms", to: "+14155550199", content: { text: "x" } });
    expect(refused.status).toBe(401);
    await screenshot(page, "key-revoked");
  });

  it("sends an expired session back to sign-in", async () => {
    const page = await asOps();
    const cookies = await tab.context.cookies();
    const session = cookies.find((cookie) => cookie.name === "relay_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Strict");
    // Re-sign the session with an expiry in the past, as the stack's own secret would have.
    const secret = (JSON.parse(readFileSync(join(stack.stateDir, "dev-secrets.json"), "utf8")) as { ENCRYPTION_SECRET: string })
      .ENCRYPTION_SECRET;
    const payload = JSON.parse(Buffer.from((session?.value ?? "").split(".")[0], "base64url").toString("utf8"));
    const expired = await signToken(secret, { ...payload, expiresAt: Date.now() - 1000 });
    if (!session) throw new Error("no session cookie");
    await tab.context.addCookies([{ ...session, value: expired }]);

    await page.goto(url("/messages"));
    expect(page.url()).toBe(url("/sign-in?reason=expired"));
    await notice(page, "status", "Your session expired. Sign in again.");
    await screenshot(page, "session-expired");
  });
});
