import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../e2e/harness/relay-client";
import type { StackProcess } from "../e2e/harness/stack-process";
import { startTwilioStack, type TwilioStack } from "../e2e/harness/twilio-stack";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeTwilio, twilioSignature } from "../support/node/fakes/fake-twilio";
import { capture, type DashboardTab, launchChromium, notice, openTab, screenshot, signIn } from "./harness/browser";
import { relayApi } from "./harness/relay-api";

const OURS = "+15005550006";
const THEIRS = "+14155550701";

let twilioStack: TwilioStack;
let stack: StackProcess;
let browser: Browser;
let tab: DashboardTab;
let twilio: FakeTwilio;
let twilioId: string;
let adminKey: string;
const creds = fakeCredentials();

beforeAll(async () => {
  twilioStack = await startTwilioStack(creds.twilio, OURS);
  ({ stack, twilio, twilioId } = twilioStack);
  browser = await launchChromium();
  adminKey = (await relayApi(stack.credentials).key(stack.credentials.tenantId, ["admin"])).key;
});
afterAll(async () => {
  await browser?.close();
  await twilioStack?.stop();
});
afterEach(async () => {
  const outside = tab.requests.filter((url) => !url.startsWith(`${stack.credentials.ingestUrl}/`));
  expect(outside).toEqual([]);
  await tab.context.close();
});

let sid = 0;
async function textUs(body: string) {
  const url = `${stack.credentials.webhooksUrl}/webhooks/twilio/${twilioId}/inbound`;
  const params = {
    MessageSid: `SM${String(++sid).padStart(32, "8")}`,
    AccountSid: creds.twilio.accountSid,
    From: THEIRS,
    To: OURS,
    Body: body,
  };
  const answer = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilioSignature(creds.twilio.authToken, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  expect(answer.status).toBe(200);
}

describe("the dashboard inbox", () => {
  it("lists conversations with unread counts, shows a thread, replies, edits the contact, closes and reopens", async () => {
    await textUs("Hi, my order is late");
    await textUs("Order 42");
    tab = await openTab(browser);
    const page = tab.page;
    await signIn(page, stack.credentials.ingestUrl, adminKey);
    await page.getByRole("link", { name: "Inbox", exact: true }).click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Inbox");
    const row = page.locator("tr", { hasText: THEIRS });
    expect(await row.textContent()).toContain("Order 42");
    expect(await row.locator("strong").textContent()).toBe("2");
    await screenshot(page, "inbox-list");

    await row.getByRole("link", { name: THEIRS }).click();
    const thread = page.getByRole("list", { name: "Messages" });
    expect(await thread.locator("li.inbound").count()).toBe(2);
    await page.getByLabel("Reply").fill("Sorry! It ships today.");
    await page.getByRole("button", { name: "Send reply" }).click();
    await notice(page, "status", "The reply is queued for delivery.");
    expect(await thread.locator("li.outbound").textContent()).toContain("Sorry! It ships today.");
    await eventually(async () =>
      twilio.sends.find((send) => send.body === "Sorry! It ships today." && send.to === THEIRS && send.from === OURS),
    );
    await capture(page, "inbox-thread-replied");

    await page.getByLabel("Contact name").fill("Grace");
    await page.getByRole("button", { name: "Save contact" }).click();
    await notice(page, "status", "The contact was saved.");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Conversation with Grace");

    await page.getByRole("button", { name: "Close conversation" }).click();
    await notice(page, "status", "The conversation is closed.");
    await page.getByRole("button", { name: "Reopen conversation" }).click();
    await notice(page, "status", "The conversation is open again.");

    await page.getByRole("link", { name: "Inbox", exact: true }).click();
    const read = page.locator("tr", { hasText: "Grace" });
    expect(await read.locator("td").nth(4).textContent()).toBe("0");
    await screenshot(page, "inbox-read");
  });
});
