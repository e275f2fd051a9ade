import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../e2e/harness/relay-client";
import { type StackProcess, startStackProcess } from "../e2e/harness/stack-process";
import { type FakeEventEndpoint, startFakeEventEndpoint } from "../support/node/fakes/fake-event-endpoint";
import { type DashboardTab, launchChromium, notice, openTab, screenshot, signIn } from "./harness/browser";
import { type RelayApi, relayApi } from "./harness/relay-api";

let stack: StackProcess;
let relay: RelayApi;
let browser: Browser;
let tab: DashboardTab;
let endpoint: FakeEventEndpoint;

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayApi(stack.credentials);
  browser = await launchChromium();
  endpoint = await startFakeEventEndpoint();
});
afterAll(async () => {
  await tab?.context.close();
  await browser?.close();
  await stack?.stop();
  await endpoint?.close();
});

describe("the Webhooks pages, signed in with a tenant's admin key", () => {
  it("add an endpoint (secret shown once), send a test event it verifies, see a send's events as attempts, disable it", async () => {
    const admin = await relay.key(stack.credentials.tenantId, ["admin"]);
    tab = await openTab(browser);
    const page = tab.page;
    await signIn(page, stack.credentials.ingestUrl, admin.key);
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Webhook endpoints");

    await page.getByLabel("URL (https)").fill(endpoint.url);
    await page.getByLabel("message.sent").check();
    await page.getByLabel("message.delivered").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await notice(page, "status", "The endpoint was added.");
    const secret = (await page.locator("code.secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    endpoint.trust(secret);
    await screenshot(page, "webhooks-endpoint-added");

    await page.getByRole("button", { name: "Send test event" }).click();
    await notice(page, "status", /^Test event delivered: the endpoint answered 204/);
    expect(endpoint.events.map((event) => event.type)).toEqual(["webhook.test"]);
    expect(await page.locator("code.secret").count()).toBe(0);

    const sent = await relay.send(stack.credentials.apiKey, { channel: "sms", to: "+14155550131", text: "tell the endpoint" });
    await eventually(async () => (endpoint.typesFor(sent.id).includes("message.sent") ? true : undefined), 60_000, 250);
    await page.reload();
    expect(await page.locator("main table").textContent()).toContain("message.sent");
    await screenshot(page, "webhooks-attempts");

    await page.getByRole("button", { name: "Disable" }).click();
    await notice(page, "status", "The endpoint is disabled: it receives nothing.");
    await notice(page, "alert", "Disabled: disabled by a user. It receives nothing until enabled.");
    await screenshot(page, "webhooks-endpoint-disabled");
    expect(endpoint.unverified()).toBe(0);
  });
});
