import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StackProcess, startStackProcess } from "../e2e/harness/stack-process";
import { launchChromium, openTab, screenshot } from "./harness/browser";

let stack: StackProcess;
let browser: Browser;

beforeAll(async () => {
  stack = await startStackProcess();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("/docs in a browser", () => {
  it("renders every operation from /openapi.json, loading nothing from outside the worker and breaking no policy", async () => {
    const tab = await openTab(browser);
    const violations: string[] = [];
    tab.page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await tab.page.goto(`${stack.credentials.ingestUrl}/docs`);
    await tab.page.getByText("Send a message").first().waitFor({ timeout: 20_000 });
    await screenshot(tab.page, "api-docs");
    // The sidebar lists every tag of the document.
    const text = (await tab.page.locator("body").textContent()) ?? "";
    for (const tag of ["Messages", "Providers", "Tenants and API keys", "Dead letters", "Health"]) expect(text, tag).toContain(tag);

    expect(violations).toEqual([]);
    expect(tab.requests.filter((url) => !url.startsWith(`${stack.credentials.ingestUrl}/`))).toEqual([]);
    expect(tab.requests).toContain(`${stack.credentials.ingestUrl}/openapi.json`);
    await tab.context.close();
  });
});
