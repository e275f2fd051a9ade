import { base64UrlToBytes, bytesToBase64Url } from "../../../shared/encoding/bytes";

/**
 * Signed, not encrypted, tokens for the dashboard's cookies: `base64url(JSON).base64url(HMAC)`.
 * The HMAC-SHA-256 key is derived by HKDF from ENCRYPTION_SECRET with its own `info`, so the
 * dashboard needs no secret of its own and shares no key with credential sealing.
 */
const encoder = new TextEncoder();
const SALT = encoder.encode("relay/dashboard");
const INFO = encoder.encode("relay/dashboard-session");
const keys = new Map<string, Promise<CryptoKey>>();

function signingKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"])
      .then((material) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: SALT, info: INFO },
          material,
          { name: "HMAC", hash: "SHA-256" },
          false,
          ["sign", "verify"],
        ),
      );
    keys.set(secret, key);
  }
  return key;
}

export function randomToken(bytes = 32): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function signToken(secret: string, payload: unknown): Promise<string> {
  const body = bytesToBase64Url(encoder.encode(JSON.stringify(payload)));
  const signature = await crypto.subtle.sign("HMAC", await signingKey(secret), encoder.encode(body));
  return `${body}.${bytesToBase64Url(new Uint8Array(signature))}`;
}

/** The payload if the signature is ours (checked in constant time by Web Crypto), else undefined. */
export async function verifyToken(secret: string, token: string): Promise<unknown> {
  const [body, signature, extra] = token.split(".");
  if (extra !== undefined || !body || !signature) return undefined;
  const signatureBytes = base64UrlToBytes(signature);
  if (!signatureBytes) return undefined;
  const valid = await crypto.subtle.verify("HMAC", await signingKey(secret), signatureBytes, encoder.encode(body));
  if (!valid) return undefined;
  const payload = base64UrlToBytes(body);
  if (!payload) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
}
