import { constantTimeEqual } from "../../crypto/constant-time";
import { base64ToBytes, bytesToHex, utf8 } from "../../encoding/bytes";

/** Form parameters in the order they came; a name may repeat. */
export type FormParams = ReadonlyArray<readonly [string, string]>;

const DEFAULT_PORTS: Record<string, string> = { "https:": "443", "http:": "80" };

/**
 * The URL as Twilio may have signed it: Twilio's own helpers accept it both with and without
 * the port, because what Twilio's side signs depends on how the callback URL was written.
 */
export function twilioUrlVariants(url: string): string[] {
  const parsed = new URL(url);
  const rest = `${parsed.pathname}${parsed.search}`;
  const withoutPort = `${parsed.protocol}//${parsed.hostname}${rest}`;
  const withPort = `${parsed.protocol}//${parsed.hostname}:${parsed.port || DEFAULT_PORTS[parsed.protocol] || ""}${rest}`;
  return [...new Set([url, withoutPort, withPort])];
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Twilio's string to sign: the URL, then every POST parameter as name + value, sorted by name (then value). */
export function twilioStringToSign(url: string, params: FormParams): string {
  const sorted = [...params].sort(([nameA, valueA], [nameB, valueB]) => byCodeUnits(nameA, nameB) || byCodeUnits(valueA, valueB));
  return sorted.reduce((data, [name, value]) => data + name + value, url);
}

/**
 * `X-Twilio-Signature`: base64 HMAC-SHA1, keyed by the account's auth token, of the full URL
 * plus the sorted POST parameters. Web Crypto's HMAC verify compares in constant time.
 */
export async function isValidTwilioSignature(authToken: string, url: string, params: FormParams, signature: string): Promise<boolean> {
  const expected = base64ToBytes(signature);
  if (expected?.byteLength !== 20) return false;
  const key = await crypto.subtle.importKey("raw", utf8(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["verify"]);
  for (const candidate of twilioUrlVariants(url)) {
    if (await crypto.subtle.verify("HMAC", key, expected, utf8(twilioStringToSign(candidate, params)))) return true;
  }
  return false;
}

/** For a JSON body Twilio signs only the URL, whose `bodySHA256` query parameter is the hex SHA-256 of the raw body. */
export async function bodyMatchesSha256(rawBody: string, bodySha256: string): Promise<boolean> {
  const actual = bytesToHex(await crypto.subtle.digest("SHA-256", utf8(rawBody)));
  return constantTimeEqual(utf8(actual), utf8(bodySha256.toLowerCase()));
}
