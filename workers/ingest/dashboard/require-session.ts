import type { MiddlewareHandler } from "hono";
import { ForbiddenError, UnauthorizedError } from "../../../shared/http/errors";
import { requireScope } from "../principal";
import { principalForKeyId } from "../services/api-key-lookup";
import type { DashboardBindings } from "./context";
import { signInUrl } from "./routes/sign-in";
import { endSession, readSession } from "./session";

/**
 * Every page but sign-in: a valid, unexpired session whose key is still there, unrevoked and
 * admin — checked against D1 on each request, so revoking a key ends its sessions at once.
 */
export const requireSession: MiddlewareHandler<DashboardBindings> = async (c, next) => {
  const state = await readSession(c);
  if (state.kind !== "valid") {
    if (state.kind !== "missing") endSession(c);
    return c.redirect(signInUrl(state.kind === "expired" ? "expired" : undefined), 303);
  }
  try {
    const principal = await principalForKeyId(c.var.db, state.session.keyId);
    requireScope(principal, "admin");
    c.set("principal", principal);
    c.set("viewer", { principal, csrf: state.session.csrf });
  } catch (error) {
    if (!(error instanceof UnauthorizedError || error instanceof ForbiddenError)) throw error;
    endSession(c);
    return c.redirect(signInUrl("revoked"), 303);
  }
  await next();
};
