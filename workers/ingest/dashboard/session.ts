import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { z } from "zod";
import type { Principal } from "../principal";
import { BASE, type DashboardContext } from "./context";
import { createSession, deleteSession, deleteSessionsOfKey, findSession, SESSION_TTL_MS } from "./session-store";
import { randomToken, signToken, verifyToken } from "./signed-token";

export { SESSION_TTL_MS } from "./session-store";
export const SESSION_COOKIE = "relay_session";
const SIGN_IN_COOKIE = "relay_sign_in";
const SIGN_IN_TTL_MS = 60 * 60 * 1000;

/**
 * What the session cookie holds: the token of a session stored in D1 — never the API key — and
 * its expiry, so an expired cookie is refused without a D1 read.
 */
const sessionCookieSchema = z.strictObject({ purpose: z.literal("session"), token: z.string().min(32), expiresAt: z.number() });

/** Before sign-in there is no session: the sign-in form's CSRF token lives in its own cookie. */
const signInSchema = z.strictObject({ purpose: z.literal("sign-in"), csrf: z.string().min(16), expiresAt: z.number() });

export type SessionState =
  | { kind: "valid"; token: string; principal: Principal; csrf: string }
  | { kind: "missing" | "invalid" | "ended" | "expired" | "revoked" };

function cookieOptions(c: DashboardContext, path: string, ttlMs: number): CookieOptions {
  return {
    path,
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: Math.floor(ttlMs / 1000),
  };
}

export function sessionCookieValue(secret: string, session: { token: string; expiresAt: number }): Promise<string> {
  return signToken(secret, { purpose: "session", token: session.token, expiresAt: session.expiresAt });
}

export async function startSession(c: DashboardContext, principal: Principal): Promise<void> {
  const session = await createSession(c.get("db"), principal.keyId);
  setCookie(c, SESSION_COOKIE, await sessionCookieValue(c.env.ENCRYPTION_SECRET, session), cookieOptions(c, BASE, SESSION_TTL_MS));
  deleteCookie(c, SIGN_IN_COOKIE, { path: `${BASE}/sign-in` });
}

export function clearSessionCookie(c: DashboardContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: BASE, secure: new URL(c.req.url).protocol === "https:" });
}

/** Sign-out: the stored session is deleted, so a copy of the cookie opens nothing either. */
export async function endSession(c: DashboardContext, token: string): Promise<void> {
  await deleteSession(c.get("db"), token);
  clearSessionCookie(c);
}

/** "Sign out everywhere": every session of the signed-in key, this one included. */
export async function endSessionsOfKey(c: DashboardContext, keyId: string): Promise<void> {
  await deleteSessionsOfKey(c.get("db"), keyId);
  clearSessionCookie(c);
}

/** The cookie's signature and expiry first (no D1 read for a forged or expired one), then the stored session and its key. */
export async function readSession(c: DashboardContext, now = Date.now()): Promise<SessionState> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return { kind: "missing" };
  const parsed = sessionCookieSchema.safeParse(await verifyToken(c.env.ENCRYPTION_SECRET, cookie));
  if (!parsed.success) return { kind: "invalid" };
  if (parsed.data.expiresAt <= now) {
    await deleteSession(c.get("db"), parsed.data.token);
    return { kind: "expired" };
  }
  const stored = await findSession(c.get("db"), parsed.data.token, now);
  if (stored.kind !== "active") return { kind: stored.kind };
  return { kind: "valid", token: parsed.data.token, principal: stored.principal, csrf: stored.csrf };
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
