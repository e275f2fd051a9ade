/** Text and bytes in the encodings Relay meets: UTF-8, base64, base64url and hex. */
const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Characters made per String.fromCharCode call: one per call is slow on megabytes (attachments), all at once overflows the argument limit. */
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let at = 0; at < bytes.length; at += CHUNK) binary += String.fromCharCode(...bytes.subarray(at, at + CHUNK));
  return btoa(binary);
}

/** Standard base64 (with or without padding) to bytes; null when it is not base64 at all. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Base64 of a string's UTF-8 bytes (HTTP Basic credentials, SMTP AUTH, MIME words). */
export function textToBase64(text: string): string {
  return bytesToBase64(utf8(text));
}

/** URL- and cookie-safe base64 without padding (RFC 4648 §5). */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  return base64ToBytes(text.replaceAll("-", "+").replaceAll("_", "/"));
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Every API request hashes its key: a table lookup per byte, not a string built per byte. */
export function bytesToHex(bytes: ArrayBuffer | Uint8Array): string {
  let hex = "";
  for (const byte of bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) hex += HEX_PAIRS[byte];
  return hex;
}

/** Hex (either case, even length) to bytes; null when it is not hex. */
export function hexToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) return null;
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}
