import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

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
