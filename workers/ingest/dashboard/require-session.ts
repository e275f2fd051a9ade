import type { MiddlewareHandler } from "hono";
import { hasScope } from "../../../shared/domain/scopes";
import type { DashboardBindings } from "./context";
import { signInUrl } from "./routes/sign-in";
import { clearSessionCookie, endSession, readSession } from "./session";

const REASON = { missing: undefined, invalid: undefined, ended: "signed-out", expired: "expired", revoked: "revoked" } as const;

/**
 * Every page but sign-in: a session stored in D1 (not signed out, not expired) whose key is
 * still there, unrevoked and admin — read afresh on each request, so sign-out, "sign out
 * everywhere" and revoking the key end it at once.
 */
export const requireSession: MiddlewareHandler<DashboardBindings> = async (c, next) => {
  const state = await readSession(c);
  if (state.kind !== "valid") {
    if (state.kind !== "missing") clearSessionCookie(c);
    return c.redirect(signInUrl(REASON[state.kind]), 303);
  }
  if (!hasScope(state.principal.scopes, "admin")) {
    await endSession(c, state.token);
    return c.redirect(signInUrl("revoked"), 303);
  }
  c.set("principal", state.principal);
  c.set("viewer", { principal: state.principal, csrf: state.csrf });
  c.set("sessionToken", state.token);
  await next();
};
