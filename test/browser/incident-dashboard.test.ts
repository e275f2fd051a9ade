import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../e2e/harness/relay-client";
import { type StackProcess, startStackProcess } from "../e2e/harness/stack-process";
import { launchChromium, openTab, screenshot, signIn } from "./harness/browser";
import { type Provider, type RelayApi, relayApi } from "./harness/relay-api";

/** Sends per staged outage: more than the breaker's threshold (5), so the circuit opens. */
const OUTAGE_SENDS = 6;
const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 375, height: 812 },
];

let stack: StackProcess;
let relay: RelayApi;
let browser: Browser;
let flaky: Provider;
let spare: Provider;

beforeAll(async () => {
  // A long cooldown keeps the failing provider's circuit open for the whole test.
  stack = await startStackProcess({ cronMs: 2_000, dispatch: { BREAKER_COOLDOWN_SECONDS: 600 } });
  relay = relayApi(stack.credentials);
  browser = await launchChromium();
  const { tenantId } = stack.credentials;
  flaky = await relay.systemProvider(tenantId, { name: "Outage SMS", channel: "sms", priority: 0, enabled: true, fail: "transient" });
  spare = await relay.systemProvider(tenantId, { name: "Spare SMS", channel: "sms", priority: 1, enabled: false });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const url = (path: string) => `${stack.credentials.ingestUrl}/dashboard${path}`;

/** The page at 1280 px and 375 px: a screenshot of each, and at 375 px nothing wider than the screen. */
async function capture(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wider = [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
      return { by: document.documentElement.scrollWidth - width, wider: wider.slice(0, 5) };
    });
    expect(overflow.by, `${name} scrolls sideways at ${viewport.width} px: ${overflow.wider.join(", ")}`).toBeLessThanOrEqual(0);
    await screenshot(page, `incident-${name}-${viewport.width}`);
  }
  await page.setViewportSize(VIEWPORTS[0]);
}

async function signedInAsOps(): Promise<Page> {
  const tab = await openTab(browser);
  await signIn(tab.page, stack.credentials.ingestUrl, stack.credentials.adminKey);
  await expect.poll(() => tab.page.url()).toBe(url(""));
  return tab.page;
}

/** N SMS while only the failing provider is enabled; resolves once every one is dead-lettered under it. */
async function stageOutage(round: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < OUTAGE_SENDS; i++)
    ids.push(
      (
        await relay.send(stack.credentials.apiKey, {
          channel: "sms",
          to: `+1415555${round}${String(i).padStart(3, "0")}`,
          text: `outage ${round}`,
        })
      ).id,
    );
  await eventually(async () => {
    const list = await relay.call<{ items: { messageId: string }[] }>(
      stack.credentials.adminKey,
      "GET",
      `/v1/dead-letters?providerId=${flaky.id}&limit=100`,
    );
    return ids.every((id) => list.data.items.some((item) => item.messageId === id)) ? true : undefined;
  }, 120_000);
  return ids;
}

async function setEnabled(provider: Provider, enabled: boolean) {
  const answer = await relay.call(stack.credentials.adminKey, "PATCH", `/v1/providers/${provider.id}`, { enabled });
  expect(answer.status).toBe(200);
}

/** The provider's page shows its failures, its open circuit, and why it opened. */
async function expectOutageOnProviderPage(page: Page, name: string) {
  await page.goto(url("/providers"));
  await page.getByRole("link", { name: "Outage SMS" }).first().click();
  expect(await page.locator("dl.facts .state-open").count()).toBe(1);
  const chart = (await page.locator("#health-desc").textContent()) ?? "";
  const unavailable = Number(/(\d+) unavailable/.exec(chart)?.[1] ?? 0);
  expect(unavailable).toBeGreaterThanOrEqual(5);
  const history = (await page.locator("table.breaker-history").textContent()) ?? "";
  expect(history).toContain("opened");
  expect(history).toContain("consecutive failures; last error: system_transient: system provider configured to fail (transient)");
  await capture(page, name);
}

/** Under the provider filter: exactly the staged outage's dead letters, each with its error; then a redrive of all of them to the spare. */
async function recoverThroughDashboard(page: Page, ids: string[], round: number) {
  await page.goto(url("/dead-letters"));
  await page.getByLabel("Provider").selectOption(flaky.id);
  await page.getByRole("button", { name: "Filter" }).click();
  const rows = page.locator("main table tbody tr");
  expect(await rows.count()).toBe(ids.length);
  for (const text of await rows.allTextContents()) expect(text).toMatch(/system_transient|skipped: circuit open/);
  await capture(page, `dead-letters-round${round}`);

  await rows.first().getByRole("link").first().click();
  expect(await page.locator("main").textContent()).toContain("Providers tried");
  // Named whether it was called (round 1) or only skipped for its open circuit (after the restart).
  expect(await page.locator("dl.facts").textContent()).toContain("Outage SMS");
  await capture(page, `dead-letter-round${round}`);
  await page.getByRole("link", { name: /^msg_/ }).first().click();
  expect(await page.getByRole("heading", { name: "Dead letter" }).count()).toBe(1);
  await capture(page, `message-dead-lettered-round${round}`);

  await page.goto(url(`/dead-letters?providerId=${flaky.id}`));
  await page.getByRole("link", { name: "Redrive all…" }).click();
  expect(await page.locator("main").textContent()).toContain(`${ids.length} dead letters match now.`);
  expect(await page.getByRole("alert").textContent()).toContain("Open circuit: Outage SMS (open)");
  await page.getByLabel("Send through").selectOption(spare.id);
  await capture(page, `bulk-redrive-round${round}`);
  await page.getByLabel(/I understand: all \d+ messages go back/).check();
  await page.getByRole("button", { name: `Redrive all ${ids.length}` }).click();
  await page.getByText(`Done: ${ids.length} of ${ids.length} redriven`).waitFor({ timeout: 60_000 });
  await capture(page, `operation-round${round}`);
  // The filters survive: back to the list under the same provider, now empty of waiting ones.
  await page.getByRole("link", { name: "Back to the dead letters" }).click();
  expect(page.url()).toContain(`providerId=${flaky.id}`);
  expect(await page.locator("main").textContent()).toContain("No dead letters match.");

  for (const id of ids)
    await eventually(async () => {
      const message = await relay.call<{ status: string; providerId: string | null }>(
        stack.credentials.adminKey,
        "GET",
        `/v1/messages/${id}`,
      );
      return message.data.status === "sent" && message.data.providerId === spare.id ? true : undefined;
    }, 60_000);
}

describe("the dashboard during an incident", () => {
  it("shows a provider outage, finds its dead letters under the provider filter, and redrives them all to a spare — before and after a restart", async () => {
    const first = await stageOutage(1);
    await setEnabled(spare, true);

    const page = await signedInAsOps();
    await capture(page, "overview");
    await expectOutageOnProviderPage(page, "provider-round1");
    await recoverThroughDashboard(page, first, 1);

    await page.goto(url("/audit-log"));
    expect(await page.locator("main table").textContent()).toContain("dead-letters.bulk-redrive");
    await capture(page, "audit-log");
    for (const [path, name] of [
      ["/messages", "messages"],
      ["/providers", "providers"],
      ["/tenants", "tenants"],
    ] as const) {
      await page.goto(url(path));
      await capture(page, name);
    }
    await page.context().close();

    // A full stop and start: the health, the breaker's history and the dead letters are all still there.
    await stack.kill();
    await stack.restart();
    const after = await signedInAsOps();
    await expectOutageOnProviderPage(after, "provider-after-restart");

    await setEnabled(spare, false);
    const second = await stageOutage(2);
    await setEnabled(spare, true);
    await recoverThroughDashboard(after, second, 2);
    await after.context().close();

    const signInTab = await openTab(browser);
    await signInTab.page.goto(url("/sign-in"));
    await capture(signInTab.page, "sign-in");
    await signInTab.context.close();
  });
});
