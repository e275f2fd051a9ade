import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type StackProcess, startStackProcess } from "../e2e/harness/stack-process";
import { type DashboardTab, launchChromium, notice, openTab, screenshot, signIn } from "./harness/browser";
import { type DeadLetter, type RelayApi, relayApi } from "./harness/relay-api";

let stack: StackProcess;
let relay: RelayApi;
let browser: Browser;
let tab: DashboardTab;

/** Another tenant's data, none of which the demo tenant's admin may see. */
let other: { tenantId: string; messageId: string; providerName: string; letter: DeadLetter };
let ownMessageId: string;
let tenantAdmin: { id: string; key: string };

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayApi(stack.credentials);
  browser = await launchChromium();

  const tenant = await relay.tenant("Other Inc");
  const sendKey = await relay.key(tenant.id, ["send"]);
  const providerName = "other-inc-sms-gateway";
  await relay.systemProvider(tenant.id, { name: providerName, channel: "sms", priority: 0, enabled: true });
  await relay.systemProvider(tenant.id, { name: "other-inc-broken-push", channel: "push", priority: 0, enabled: true, fail: "transient" });
  const message = await relay.send(sendKey.key, { channel: "sms", to: "+14155550111", text: "other tenant" });
  const doomed = await relay.send(sendKey.key, { channel: "push", to: "device-other", text: "never delivered" });
  other = { tenantId: tenant.id, messageId: message.id, providerName, letter: await relay.deadLetterOf(doomed.id) };

  ownMessageId = (await relay.send(stack.credentials.apiKey, { channel: "sms", to: "+14155550122", text: "mine" })).id;
  tenantAdmin = await relay.key(stack.credentials.tenantId, ["admin"]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});
afterEach(async () => {
  const outside = tab.requests.filter((url) => !url.startsWith(`${stack.credentials.ingestUrl}/`));
  expect(outside).toEqual([]);
  await tab.context.close();
});

const url = (path: string) => `${stack.credentials.ingestUrl}/dashboard${path}`;
const mainText = async (page: Page) => (await page.locator("main").textContent()) ?? "";

describe("the dashboard, signed in with a tenant's admin key", () => {
  it("shows only that tenant's data, and another tenant's pages as not found", async () => {
    tab = await openTab(browser);
    const page = tab.page;
    await signIn(page, stack.credentials.ingestUrl, tenantAdmin.key);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Overview");
    expect(await page.locator("header").textContent()).toContain(`Signed in as tenant ${stack.credentials.tenantId}`);
    expect(await page.getByRole("link", { name: "Tenants and keys" }).count()).toBe(0);
    expect(await page.getByLabel("Tenant").count()).toBe(0);
    expect(await mainText(page)).not.toContain(other.providerName);
    await screenshot(page, "tenant-overview");

    await page.getByRole("link", { name: "Messages", exact: true }).click();
    await page.getByRole("link", { name: ownMessageId }).waitFor();
    expect(await mainText(page)).not.toContain(other.messageId);
    expect(await mainText(page)).not.toContain(other.tenantId);
    await screenshot(page, "tenant-messages");

    await page.getByRole("link", { name: "Dead letters", exact: true }).click();
    expect(await mainText(page)).toContain("No dead letters match.");
    expect(await mainText(page)).not.toContain(other.letter.id);

    await page.getByRole("link", { name: "Providers", exact: true }).click();
    expect(await mainText(page)).not.toContain(other.providerName);

    for (const path of [`/messages/${other.messageId}`, `/dead-letters/${other.letter.id}`, `/tenants/${other.tenantId}`]) {
      const response = await page.goto(url(path));
      expect(response?.status(), path).toBe(404);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Not found");
    }
    await screenshot(page, "tenant-other-tenant-not-found");

    const filtered = await page.goto(url(`/messages?tenantId=${other.tenantId}`));
    expect(filtered?.status()).toBe(403);
    expect(await mainText(page)).not.toContain(other.messageId);
  });

  it("refuses a key without the admin scope, and a revoked key, with a clear sign-in error", async () => {
    tab = await openTab(browser);
    const page = tab.page;
    await signIn(page, stack.credentials.ingestUrl, stack.credentials.apiKey);
    await notice(page, "alert", /this key needs the admin scope/);
    await screenshot(page, "sign-in-without-admin-scope");

    const doomed = await relay.key(stack.credentials.tenantId, ["admin"]);
    await signIn(page, stack.credentials.ingestUrl, doomed.key);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Overview");
    await relay.revoke(doomed.id);
    await page.getByRole("link", { name: "Messages", exact: true }).click();
    expect(page.url()).toBe(url("/sign-in?reason=revoked"));
    await notice(page, "status", "The key of your session was revoked. Sign in with another key.");

    await signIn(page, stack.credentials.ingestUrl, doomed.key);
    await notice(page, "alert", "Sign-in failed: that API key is unknown or has been revoked.");
    await screenshot(page, "sign-in-revoked-key");
  });
});
