import { Hono } from "hono";
import { ForbiddenError, UnauthorizedError } from "../../../../shared/http/errors";
import { requireScope } from "../../principal";
import { principalForKey } from "../../services/api-key-lookup";
import { actorOf, recordAudit } from "../../services/audit-log";
import { clientBucket } from "../client-address";
import { BASE, type DashboardBindings, type DashboardContext, signedIn } from "../context";
import { isCrossOrigin, tokensMatch } from "../csrf";
import { field, formOf } from "../form";
import { SignInPage } from "../pages/sign-in";
import { render } from "../render";
import { currentSignInToken, endSession, endSessionsOfKey, signInToken, startSession } from "../session";

const REASONS: Record<string, string> = {
  expired: "Your session expired. Sign in again.",
  revoked: "The key of your session was revoked. Sign in with another key.",
  "signed-out": "You are signed out.",
  "signed-out-everywhere": "You are signed out in every browser where this API key was signed in.",
};

export function signInUrl(reason?: keyof typeof REASONS): string {
  return reason ? `${BASE}/sign-in?reason=${reason}` : `${BASE}/sign-in`;
}

async function signInPage(c: DashboardContext, status: 200 | 401 | 403 | 429, message: { error?: string; info?: string }) {
  return render(c, <SignInPage csrf={await signInToken(c)} {...message} />, status);
}

async function tooManyAttempts(c: DashboardContext): Promise<boolean> {
  const limiter = c.env.SIGN_IN_RATE_LIMITER;
  if (!limiter) return false;
  return !(await limiter.limit({ key: `sign-in:${clientBucket(c.req.raw, c.env)}` })).success;
}

/** Before a session exists: the sign-in form. */
export const signInRoutes = new Hono<DashboardBindings>()
  .get("/sign-in", (c) => signInPage(c, 200, { info: REASONS[c.req.query("reason") ?? ""] }))
  .post("/sign-in", async (c) => {
    if (await tooManyAttempts(c)) {
      c.header("Retry-After", "60");
      return signInPage(c, 429, { error: "Too many sign-in attempts from your address. Wait a minute and try again." });
    }
    const form = await formOf(c);
    const expected = await currentSignInToken(c);
    if (isCrossOrigin(c) || !expected || !tokensMatch(expected, field(form, "_csrf")))
      return signInPage(c, 403, { error: "This sign-in form could not be verified (it expired, or came from another site). Try again." });
    try {
      const principal = await principalForKey(c.get("db"), field(form, "apiKey")?.trim() ?? "");
      requireScope(principal, "admin");
      await startSession(c, principal);
      const actor = actorOf(c.req.raw, principal, c.get("requestId"), "dashboard");
      await recordAudit(c.get("db"), actor, { action: "dashboard.sign-in", tenantId: principal.tenantId });
      return c.redirect(BASE, 303);
    } catch (error) {
      if (error instanceof UnauthorizedError)
        return signInPage(c, 401, { error: "Sign-in failed: that API key is unknown or has been revoked." });
      if (error instanceof ForbiddenError)
        return signInPage(c, 403, {
          error: "Sign-in failed: this key needs the admin scope. Use an ops admin key or a tenant key with the admin scope.",
        });
      throw error;
    }
  });

/** Need a session and the CSRF token like every other form. */
export const signOutRoutes = new Hono<DashboardBindings>()
  .post("/sign-out", async (c) => {
    const token = c.get("sessionToken");
    if (token) await endSession(c, token);
    return c.redirect(signInUrl("signed-out"), 303);
  })
  .post("/sign-out-everywhere", async (c) => {
    await endSessionsOfKey(c, signedIn(c).principal.keyId);
    return c.redirect(signInUrl("signed-out-everywhere"), 303);
  });
