import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type StackProcess, startStackProcess } from "../e2e/harness/stack-process";
import { type DashboardTab, launchChromium, notice, openTab, screenshot, signIn } from "./harness/browser";
import { type RelayApi, relayApi } from "./harness/relay-api";

let stack: StackProcess;
let relay: RelayApi;
let browser: Browser;
let tab: DashboardTab;
let tenantAdmin: { id: string; key: string };

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayApi(stack.credentials);
  browser = await launchChromium();
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

const mainText = async (page: Page) => (await page.locator("main").textContent()) ?? "";

describe("templates in the dashboard", () => {
  it("creates a template, previews an edit with data, saves it as version 2 and compares the versions", async () => {
    tab = await openTab(browser);
    const page = tab.page;
    await signIn(page, stack.credentials.ingestUrl, tenantAdmin.key);
    await page.getByRole("link", { name: "Templates", exact: true }).click();
    await page.getByRole("link", { name: "New template" }).click();
    await page.getByLabel("Channel").selectOption("sms");
    await page.getByRole("button", { name: "Show its parts" }).click();
    await page.getByLabel("Name").fill("verification code");
    await page.getByLabel("Text").fill("Your code is {{ code }}");
    await page.getByRole("button", { name: "Create version 1" }).click();
    await notice(page, "status", "The template was created as version 1.");
    await screenshot(page, "template-created");

    await page.getByLabel("Text").fill("Your {{ app }} code is {{ code }}");
    await page.getByLabel("Preview data (JSON)").fill('{"app": "Relay", "code": "493817"}');
    await page.getByRole("button", { name: "Preview" }).click();
    expect(await page.locator('pre[data-part="text"]').textContent()).toBe("Your Relay code is 493817");
    await screenshot(page, "template-preview");

    await page.getByLabel("Preview data (JSON)").fill('{"code": "1"}');
    await page.getByRole("button", { name: "Preview" }).click();
    expect(await mainText(page)).toContain("data.app");

    await page.getByRole("button", { name: "Save as version 2" }).click();
    await notice(page, "status", /Saved as a new version/);
    await page.getByRole("button", { name: "Compare" }).click();
    expect(await page.locator("pre.diff del").first().textContent()).toContain("- Your code is {{ code }}");
    expect(await page.locator("pre.diff ins").first().textContent()).toContain("+ Your {{ app }} code is {{ code }}");
    await screenshot(page, "template-diff");
  });
});
