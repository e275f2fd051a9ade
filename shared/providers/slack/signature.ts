import { hexToBytes, utf8 } from "../../encoding/bytes";
import { UnauthorizedError } from "../../http/errors";
import type { CallbackRequest } from "../provider";

/** Slack's replay window: a request signed more than five minutes from now is refused. */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

/**
 * `X-Slack-Signature: v0=<hex HMAC-SHA256(signingSecret, "v0:" + X-Slack-Request-Timestamp + ":" + body)>`,
 * with the timestamp within five minutes of now. Web Crypto's HMAC verify compares in constant time.
 */
export async function verifySlackSignature(request: CallbackRequest, signingSecret: string, now = Date.now()): Promise<void> {
  const timestamp = request.headers.get("x-slack-request-timestamp");
  const signature = request.headers.get("x-slack-signature");
  if (!timestamp || !signature) throw new UnauthorizedError("X-Slack-Signature and X-Slack-Request-Timestamp are required");
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > SLACK_SIGNATURE_WINDOW_SECONDS)
    throw new UnauthorizedError("X-Slack-Request-Timestamp is not within five minutes of now");
  const mac = signature.startsWith("v0=") ? hexToBytes(signature.slice(3)) : null;
  if (mac?.byteLength !== 32) throw new UnauthorizedError("X-Slack-Signature does not match");
  const key = await crypto.subtle.importKey("raw", utf8(signingSecret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  if (!(await crypto.subtle.verify("HMAC", key, mac, utf8(`v0:${timestamp}:${request.rawBody}`))))
    throw new UnauthorizedError("X-Slack-Signature does not match");
}
