import type { MiddlewareHandler } from "hono";
import { ForbiddenError } from "../../../shared/http/errors";
import { type DashboardBindings, type DashboardContext, signedIn } from "./context";
import { field, formOf } from "./form";

const encoder = new TextEncoder();

export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = encoder.encode(expected);
  const b = encoder.encode(given);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}

/** A browser names the page a form came from; one from another origin (or site) is refused. */
export function isCrossOrigin(c: DashboardContext): boolean {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) return true;
  const site = c.req.header("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}

export class CsrfError extends ForbiddenError {
  constructor() {
    super(
      "This form could not be verified: it was sent from another site, or without this session's CSRF token. Reload the page and try again.",
    );
  }
}

/** Every state-changing request of a session: same origin, and the session's token in the form. */
export const verifyForm: MiddlewareHandler<DashboardBindings> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  if (isCrossOrigin(c)) throw new CsrfError();
  const form = await formOf(c);
  if (!tokensMatch(signedIn(c).csrf, field(form, "_csrf"))) throw new CsrfError();
  await next();
};
