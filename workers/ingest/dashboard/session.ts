import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { z } from "zod";
import { API_KEY_SCOPES } from "../../../shared/domain/scopes";
import type { Principal } from "../principal";
import { BASE, type DashboardContext } from "./context";
import { randomToken, signToken, verifyToken } from "./signed-token";

export const SESSION_COOKIE = "relay_session";
const SIGN_IN_COOKIE = "relay_sign_in";
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const SIGN_IN_TTL_MS = 60 * 60 * 1000;

/** What the session cookie holds: never the API key itself, only its id. */
const sessionSchema = z.strictObject({
  purpose: z.literal("session"),
  keyId: z.string().min(1),
  tenantId: z.string().min(1).nullable(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  expiresAt: z.number(),
  csrf: z.string().min(16),
});
export type Session = z.infer<typeof sessionSchema>;

/** Before sign-in there is no session: the sign-in form's CSRF token lives in its own cookie. */
const signInSchema = z.strictObject({ purpose: z.literal("sign-in"), csrf: z.string().min(16), expiresAt: z.number() });

export type SessionState = { kind: "valid"; session: Session } | { kind: "missing" | "invalid" | "expired" };

function cookieOptions(c: DashboardContext, path: string, ttlMs: number): CookieOptions {
  return {
    path,
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: Math.floor(ttlMs / 1000),
  };
}

export function newSession(principal: Principal, now = Date.now()): Session {
  return {
    purpose: "session",
    keyId: principal.keyId,
    tenantId: principal.tenantId,
    scopes: [...principal.scopes],
    expiresAt: now + SESSION_TTL_MS,
    csrf: randomToken(),
  };
}

export async function sessionCookieValue(secret: string, session: Session): Promise<string> {
  return signToken(secret, session);
}

export async function startSession(c: DashboardContext, principal: Principal): Promise<void> {
  const session = newSession(principal);
  setCookie(c, SESSION_COOKIE, await sessionCookieValue(c.env.ENCRYPTION_SECRET, session), cookieOptions(c, BASE, SESSION_TTL_MS));
  deleteCookie(c, SIGN_IN_COOKIE, { path: `${BASE}/sign-in` });
}

export function endSession(c: DashboardContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: BASE, secure: new URL(c.req.url).protocol === "https:" });
}

export async function readSession(c: DashboardContext, now = Date.now()): Promise<SessionState> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return { kind: "missing" };
  const parsed = sessionSchema.safeParse(await verifyToken(c.env.ENCRYPTION_SECRET, cookie));
  if (!parsed.success) return { kind: "invalid" };
  if (parsed.data.expiresAt <= now) return { kind: "expired" };
  return { kind: "valid", session: parsed.data };
}

/** The sign-in form's token: the one in a still-valid cookie, or a new one (and its cookie). */
export async function signInToken(c: DashboardContext, now = Date.now()): Promise<string> {
  const current = await currentSignInToken(c, now);
  if (current) return current;
  const payload = { purpose: "sign-in" as const, csrf: randomToken(), expiresAt: now + SIGN_IN_TTL_MS };
  setCookie(c, SIGN_IN_COOKIE, await signToken(c.env.ENCRYPTION_SECRET, payload), cookieOptions(c, `${BASE}/sign-in`, SIGN_IN_TTL_MS));
  return payload.csrf;
}

export async function currentSignInToken(c: DashboardContext, now = Date.now()): Promise<string | undefined> {
  const cookie = getCookie(c, SIGN_IN_COOKIE);
  if (!cookie) return undefined;
  const parsed = signInSchema.safeParse(await verifyToken(c.env.ENCRYPTION_SECRET, cookie));
  return parsed.success && parsed.data.expiresAt > now ? parsed.data.csrf : undefined;
}
