import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

/** Debian's Chromium (`apt-get install chromium`), headless, with nothing that phones home. */
const CHROMIUM = process.env.RELAY_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
const SCREENSHOTS = join("test-results", "screenshots");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export type DashboardTab = {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for, in order: documents, the stylesheet, anything else. */
  requests: string[];
};

/** A fresh browser profile (no cookies) with one tab whose requests are recorded. */
export async function openTab(browser: Browser): Promise<DashboardTab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  return { context, page, requests };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, ingestUrl: string, key: string): Promise<void> {
  await page.goto(`${ingestUrl}/dashboard/sign-in`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Waits for the page to show a notice (`status`) or an error (`alert`) with exactly this text. */
export async function notice(page: Page, role: "status" | "alert", text: string | RegExp): Promise<void> {
  const exact = typeof text === "string" ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : text;
  await page.getByRole(role).filter({ hasText: exact }).first().waitFor({ timeout: 10_000 });
}

const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 375, height: 812 },
];

/**
 * The page at 1280 px and 375 px: a screenshot of each, and at both widths nothing wider than
 * the screen (the page never scrolls sideways; a wide table scrolls inside itself).
 */
export async function capture(page: Page, name: string): Promise<void> {
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
    await screenshot(page, `${name}-${viewport.width}`);
  }
  await page.setViewportSize(VIEWPORTS[0]);
}
