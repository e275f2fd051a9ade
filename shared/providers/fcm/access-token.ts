import { importPkcs8Pem, signJwt } from "../../crypto/signed-jwt";
import { numberAt, readJson, stringAt } from "../json-body";
import type { ServiceAccount } from "./config";

const MESSAGING_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
const ASSERTION_LIFETIME_SECONDS = 3600;
/** A token is replaced this long before it expires, so no send carries one that lapses in flight. */
const REFRESH_MARGIN_SECONDS = 300;
/** After a failed token request, sends fail fast for this long instead of each asking again. */
const FAILURE_MEMORY_MS = 5_000;

export type AccessToken = { token: string; expiresAt: number };

/** Why no token: the token endpoint refused the service account, or could not be asked. */
export class AccessTokenError extends Error {
  constructor(
    message: string,
    readonly refused: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = "AccessTokenError";
  }
}

type Entry = { pending?: Promise<AccessToken>; token?: AccessToken; failed?: { error: AccessTokenError; until: number } };

/**
 * Access tokens per service account, shared by every adapter of the isolate: one token serves
 * every send of a batch and of the batches after it until shortly before it expires, and
 * concurrent sends that find none wait for the one request in flight.
 */
const tokens = new Map<string, Entry>();

function cacheKey(account: ServiceAccount): string {
  return `${account.token_uri}\n${account.client_email}\n${account.private_key}`;
}

export async function accessTokenFor(account: ServiceAccount, signal: AbortSignal, now = Date.now): Promise<string> {
  const key = cacheKey(account);
  const entry = tokens.get(key) ?? {};
  tokens.set(key, entry);
  if (entry.token && entry.token.expiresAt - REFRESH_MARGIN_SECONDS * 1000 > now()) return entry.token.token;
  if (entry.failed && entry.failed.until > now()) throw entry.failed.error;
  if (!entry.pending) {
    entry.pending = requestAccessToken(account, signal, now)
      .then((token) => {
        entry.token = token;
        entry.failed = undefined;
        return token;
      })
      .catch((error: unknown) => {
        const failure = error instanceof AccessTokenError ? error : new AccessTokenError(String(error), false);
        entry.failed = { error: failure, until: now() + FAILURE_MEMORY_MS };
        throw failure;
      })
      .finally(() => {
        entry.pending = undefined;
      });
  }
  return (await entry.pending).token;
}

/** Forgets a token FCM refused (revoked, or the key rotated), so the next send asks for a new one. */
export function forgetAccessToken(account: ServiceAccount, token: string): void {
  const entry = tokens.get(cacheKey(account));
  if (entry?.token?.token === token) entry.token = undefined;
}

/** The OAuth 2.0 JWT bearer grant (RFC 7523): a JWT signed with the account's key, exchanged at its `token_uri`. */
export async function requestAccessToken(account: ServiceAccount, signal: AbortSignal, now = Date.now): Promise<AccessToken> {
  let key: CryptoKey;
  try {
    key = await importPkcs8Pem(account.private_key, "RS256");
  } catch {
    throw new AccessTokenError("the service account's private_key is not a usable RSA key", true);
  }
  const issuedAt = Math.floor(now() / 1000);
  const assertion = await signJwt("RS256", key, {
    iss: account.client_email,
    scope: MESSAGING_SCOPE,
    aud: account.token_uri,
    iat: issuedAt,
    exp: issuedAt + ASSERTION_LIFETIME_SECONDS,
  });
  let response: Response;
  try {
    response = await fetch(account.token_uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
      signal,
      redirect: "manual",
    });
  } catch {
    throw new AccessTokenError(signal.aborted ? "the token endpoint did not answer in time" : "could not reach the token endpoint", false);
  }
  const body = await readJson(response);
  const token = stringAt(body, "access_token");
  const expiresIn = numberAt(body, "expires_in") ?? 3600;
  if (response.status === 200 && token) return { token, expiresAt: now() + expiresIn * 1000 };
  const refused = response.status === 400 || response.status === 401 || response.status === 403;
  const reason = stringAt(body, "error") ?? `http_${response.status}`;
  throw new AccessTokenError(`the token endpoint answered ${response.status} (${reason.slice(0, 64)})`, refused, response.status);
}
