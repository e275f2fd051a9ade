import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export type Page = { status: number; location: string | null; html: string; headers: Headers };
export type FormValues = Record<string, string | string[]>;

export const ORIGIN = "http://relay.test";

/**
 * A browser in miniature: keeps cookies, sends forms, never follows redirects by itself. It
 * arrives as the Cloudflare edge delivers a request — `request.cf` set and `cf-connecting-ip`
 * its own address — so each browser is its own client to the sign-in limiter.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly address = `198.18.${crypto.getRandomValues(new Uint8Array(2)).join(".")}`;

  async request(method: string, path: string, form?: FormValues, headers: Record<string, string> = {}): Promise<Page> {
    const request = new Headers({ "cf-connecting-ip": this.address, ...headers });
    if (this.cookies.size > 0) request.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    let body: string | undefined;
    if (form) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(form)) for (const one of [value].flat()) params.append(name, one);
      body = params.toString();
      request.set("content-type", "application/x-www-form-urlencoded");
    }
    const url = path.startsWith("http") ? path : `${ORIGIN}${path}`;
    const response = await exports.default.fetch(new Request(url, { method, headers: request, body, redirect: "manual", cf: {} }));
    for (const cookie of response.headers.getAll("set-cookie")) {
      const [pair] = cookie.split(";");
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (!value || /max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get("location"), html: await response.text(), headers: response.headers };
  }

  get(path: string) {
    return this.request("GET", path);
  }

  post(path: string, form: FormValues, headers?: Record<string, string>) {
    return this.request("POST", path, form, headers);
  }

  async signIn(key: string): Promise<Page> {
    const form = await this.get("/dashboard/sign-in");
    return this.post("/dashboard/sign-in", { apiKey: key, _csrf: csrfOf(form.html) }, { origin: ORIGIN });
  }

  /** The CSRF token of a page that shows forms. */
  async token(path = "/dashboard"): Promise<string> {
    return csrfOf((await this.get(path)).html);
  }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF field in:\n${html.slice(0, 500)}`);
  return match[1];
}

export async function signedInBrowser(key: string): Promise<Browser> {
  const browser = new Browser();
  const answer = await browser.signIn(key);
  expect(answer.status, answer.html.slice(0, 500)).toBe(303);
  return browser;
}
