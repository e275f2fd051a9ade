/**
 * Signs requests the way Svix (and so Resend) does, from Svix's documentation: `v1,` + base64
 * HMAC-SHA256 of `${svix-id}.${svix-timestamp}.${body}`, keyed by the base64-decoded part of the
 * `whsec_` secret.
 */
import { fromBase64, randomHex, toBase64, utf8 } from "./encoding";

export async function svixSignature(secret: string, id: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", fromBase64(secret.replace(/^whsec_/, "")), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return `v1,${toBase64(await crypto.subtle.sign("HMAC", key, utf8(`${id}.${timestamp}.${body}`)))}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const newSvixId = () => `msg_${randomHex(12)}`;

type ResendRequestOptions = {
  id?: string;
  timestamp?: number;
  /** Sign this body instead of the one sent. */
  signedBody?: string;
  /** Replace the computed svix-signature header. */
  signatureHeader?: (signature: string) => string;
  /** Leave these headers out. */
  omit?: ("svix-id" | "svix-timestamp" | "svix-signature")[];
};

export async function resendRequest(url: string, secret: string, body: string, options: ResendRequestOptions = {}): Promise<Request> {
  const id = options.id ?? newSvixId();
  const timestamp = String(options.timestamp ?? nowSeconds());
  const signature = await svixSignature(secret, id, timestamp, options.signedBody ?? body);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": timestamp,
    "svix-signature": options.signatureHeader ? options.signatureHeader(signature) : signature,
  };
  for (const name of options.omit ?? []) delete headers[name];
  return new Request(url, { method: "POST", headers, body });
}

export function resendEvent(type: string, emailId: string, data: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: {
      email_id: emailId,
      from: "Relay <relay@example.com>",
      to: ["jane@example.com"],
      subject: "Hello",
      created_at: new Date().toISOString(),
      ...data,
    },
  });
}
