import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { DecryptionError, keyringFromEnv, open, seal } from "../../../shared/crypto/credential-cipher";
import { BASE, type DashboardContext, signedIn } from "./context";

/**
 * The key-issued page is a one-time view after a redirect (POST → 303 → GET): the new key
 * waits in a cookie, sealed with the credential cipher and bound to this session (its CSRF
 * token is the associated data), scoped to the one page that shows it, for two minutes. That
 * page deletes the cookie as it shows the key, so a refresh shows it no more and issues nothing.
 */
const ISSUED_KEY_COOKIE = "relay_issued_key";
const ISSUED_KEY_TTL_SECONDS = 120;

export type IssuedKey = { name: string; key: string };

export const issuedKeyPath = (tenantId: string) => `${BASE}/tenants/${tenantId}/issued`;
const boundTo = (c: DashboardContext) => `issued-key:${signedIn(c).csrf}`;
const secure = (c: DashboardContext) => new URL(c.req.url).protocol === "https:";

export async function keepIssuedKey(c: DashboardContext, tenantId: string, issued: IssuedKey): Promise<void> {
  const sealed = await seal(keyringFromEnv(c.env), boundTo(c), issued);
  setCookie(c, ISSUED_KEY_COOKIE, `${sealed.keyVersion}.${sealed.ciphertext}`, {
    path: issuedKeyPath(tenantId),
    httpOnly: true,
    sameSite: "Strict",
    secure: secure(c),
    maxAge: ISSUED_KEY_TTL_SECONDS,
  });
}

/** The key waiting for this page, taken out of the browser as it is read; undefined once shown (or never kept). */
export async function takeIssuedKey(c: DashboardContext, tenantId: string): Promise<IssuedKey | undefined> {
  const cookie = getCookie(c, ISSUED_KEY_COOKIE);
  if (!cookie) return undefined;
  deleteCookie(c, ISSUED_KEY_COOKIE, { path: issuedKeyPath(tenantId), secure: secure(c) });
  const dot = cookie.indexOf(".");
  const sealed = { keyVersion: Number(cookie.slice(0, dot)), ciphertext: cookie.slice(dot + 1) };
  try {
    const issued = (await open(keyringFromEnv(c.env), boundTo(c), sealed)) as IssuedKey;
    return typeof issued?.key === "string" && typeof issued.name === "string" ? issued : undefined;
  } catch (error) {
    if (error instanceof DecryptionError) return undefined;
    throw error;
  }
}
