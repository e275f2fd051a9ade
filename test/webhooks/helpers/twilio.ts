/**
 * Signs requests the way Twilio does (written from Twilio's documentation, not from the worker's
 * code): base64 HMAC-SHA1, keyed by the auth token, of the full URL followed by each POST
 * parameter's name and value, sorted by name. For a JSON body the URL carries `bodySHA256`.
 */
import { randomHex, toBase64, utf8 } from "./encoding";

export async function twilioSignature(authToken: string, url: string, params: Record<string, string>): Promise<string> {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  const key = await crypto.subtle.importKey("raw", utf8(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  return toBase64(await crypto.subtle.sign("HMAC", key, utf8(data)));
}

export async function sha256Hex(text: string): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))), (b) => b.toString(16).padStart(2, "0")).join("");
}

export const newMessageSid = () => `SM${randomHex(16)}`;

type SignOptions = {
  /** Sign this URL instead of the one requested (e.g. with an explicit port). */
  signedUrl?: string;
  /** Sign these parameters instead of the ones sent. */
  signedParams?: Record<string, string>;
  /** Send this header value instead of a computed one; null sends none. */
  signature?: string | null;
};

/** A form-encoded POST to `url`, signed with `authToken`. */
export async function twilioRequest(
  url: string,
  params: Record<string, string>,
  authToken: string,
  options: SignOptions = {},
): Promise<Request> {
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
  const signature =
    options.signature === undefined
      ? await twilioSignature(authToken, options.signedUrl ?? url, options.signedParams ?? params)
      : options.signature;
  if (signature !== null) headers.set("x-twilio-signature", signature);
  return new Request(url, { method: "POST", headers, body: new URLSearchParams(params).toString() });
}

/** A JSON POST: the URL gets `bodySHA256` of the signed body, and only the URL is signed. */
export async function twilioJsonRequest(url: string, body: string, authToken: string, sentBody = body): Promise<Request> {
  const signedUrl = `${url}${url.includes("?") ? "&" : "?"}bodySHA256=${await sha256Hex(body)}`;
  const signature = await twilioSignature(authToken, signedUrl, {});
  return new Request(signedUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "x-twilio-signature": signature },
    body: sentBody,
  });
}

/** The parameters of a Twilio messaging status callback. */
export function statusParams(messageSid: string, status: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: `AC${"0".repeat(32)}`,
    ApiVersion: "2010-04-01",
    From: "+15005550006",
    MessageSid: messageSid,
    MessageStatus: status,
    SmsSid: messageSid,
    SmsStatus: status,
    To: "+14155550100",
    ...extra,
  };
}
