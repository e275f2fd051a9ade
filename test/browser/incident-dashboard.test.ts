import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../e2e/harness/relay-client";
import { type StackProcess, startStackProcess } from "../e2e/harness/stack-process";
import { capture as captureAtWidths, launchChromium, openTab, signIn } from "./harness/browser";
import { type Provider, type RelayApi, relayApi } from "./harness/relay-api";

/** Sends per staged outage: more than the breaker's threshold (5), so the circuit opens. */
const OUTAGE_SENDS = 6;
let stack: StackProcess;
let relay: RelayApi;
let browser: Browser;
let flaky: Provider;
let spare: Provider;
/** Two alert rules watching the outage: the tenant's dead letters, and the failing provider. */
let alerts: { deadLetters: string; providerFailures: string };

beforeAll(async () => {
  // A long cooldown keeps the failing provider's circuit open for the whole test.
  stack = await startStackProcess({ cronMs: 2_000, dispatch: { BREAKER_COOLDOWN_SECONDS: 600 } });
  relay = relayApi(stack.credentials);
  browser = await launchChromium();
  const { tenantId } = stack.credentials;
  flaky = await relay.systemProvider(tenantId, { name: "Outage SMS", channel: "sms", priority: 0, enabled: true, fail: "transient" });
  spare = await relay.systemProvider(tenantId, { name: "Spare SMS", channel: "sms", priority: 1, enabled: false });
  const rule = async (body: Record<string, unknown>) => {
    const answer = await relay.call<{ id: string }>(stack.credentials.adminKey, "POST", "/v1/alert-rules", { tenantId, ...body });
    expect(answer.status).toBe(201);
    return answer.data.id;
  };
  alerts = {
    deadLetters: await rule({
      name: "Dead letters piling up",
      kind: "dead-letters",
      threshold: OUTAGE_SENDS,
      notify: { channel: "email", to: "oncall@example.com" },
    }),
    providerFailures: await rule({
      name: "Outage SMS failing",
      kind: "provider-failures",
      providerId: flaky.id,
      threshold: 50,
      minAttempts: 5,
      notify: { channel: "webhook", to: "ops-pager" },
    }),
  };
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const capture = (page: Page, name: string) => captureAtWidths(page, `incident-${name}`);
const url = (path: string) => `${stack.credentials.ingestUrl}/dashboard${path}`;

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

type AlertRule = { state: string; lastMessageId: string | null };

/** Each rule sent exactly one notification, through Relay itself, and it was delivered. */
async function expectOneNotificationEach() {
  for (const id of Object.values(alerts)) {
    const messageId = await eventually(async () => {
      const rule = await relay.call<AlertRule>(stack.credentials.adminKey, "GET", `/v1/alert-rules/${id}`);
      return rule.data.state === "firing" ? (rule.data.lastMessageId ?? undefined) : undefined;
    }, 60_000);
    await eventually(async () => {
      const message = await relay.call<{ status: string }>(stack.credentials.adminKey, "GET", `/v1/messages/${messageId}`);
      return message.data.status === "sent" ? true : undefined;
    }, 60_000);
    const audit = await relay.call<{ items: { target: string }[] }>(
      stack.credentials.adminKey,
      "GET",
      "/v1/audit-log?action=alert.fired&limit=100",
    );
    expect(audit.data.items.filter((item) => item.target === id)).toHaveLength(1);
  }
}

/** Every other page, with something on it, at both widths. */
async function tourTheOtherPages(page: Page) {
  const { tenantId } = stack.credentials;
  const admin = (await relay.key(tenantId, ["admin"])).key;
  const template = await relay.call<{ id: string }>(admin, "POST", "/v1/templates", {
    name: "outage notice",
    channel: "email",
    content: { subject: "Delayed: {{ order }}", text: "Your order {{ order }} is delayed." },
  });
  expect(template.status).toBe(201);
  const endpoint = await relay.call<{ id: string }>(admin, "POST", "/v1/webhook-endpoints", { url: "http://127.0.0.1:9/relay-events" });
  expect(endpoint.status).toBe(201);
  for (const [path, name] of [
    ["/alerts", "alerts"],
    [`/alerts/${alerts.providerFailures}`, "alert"],
    [`/tenants/${tenantId}`, "tenant"],
    ["/providers/new?type=twilio", "provider-new"],
    ["/templates", "templates"],
    [`/templates/${template.data.id}`, "template"],
    ["/usage", "usage"],
    ["/webhooks", "webhooks"],
    [`/webhooks/${endpoint.data.id}`, "webhook"],
    ["/inbox", "inbox"],
  ] as const) {
    const response = await page.goto(url(path));
    expect(response?.status(), path).toBe(200);
    await capture(page, name);
  }
  expect(await page.goto(url("/alerts")).then(() => page.locator("main table").textContent())).toContain("firing");
}

describe("the dashboard during an incident", () => {
  it("shows a provider outage, finds its dead letters under the provider filter, and redrives them all to a spare — before and after a restart", async () => {
    const first = await stageOutage(1);
    await setEnabled(spare, true);

    const page = await signedInAsOps();
    await capture(page, "overview");
    await expectOutageOnProviderPage(page, "provider-round1");
    await recoverThroughDashboard(page, first, 1);
    await expectOneNotificationEach();

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
    await tourTheOtherPages(page);
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
    // Both conditions held all along: still the one notification each.
    await expectOneNotificationEach();
    await after.context().close();

    const signInTab = await openTab(browser);
    await signInTab.page.goto(url("/sign-in"));
    await capture(signInTab.page, "sign-in");
    await signInTab.context.close();
  });
});
