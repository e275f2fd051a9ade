/**
 * Signs requests the way Slack does (written from Slack's documentation, not from the worker's
 * code): `v0=` + hex HMAC-SHA256, keyed by the signing secret, of `v0:{timestamp}:{body}`.
 */
import { randomHex, utf8 } from "./encoding";

export async function slackSignature(signingSecret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", utf8(signingSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(`v0:${timestamp}:${body}`)));
  return `v0=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

type SignOptions = { timestamp?: number; signedBody?: string; signature?: string; headers?: Record<string, string> };

/** A JSON POST to `url` signed with `signingSecret` (now, unless told otherwise). */
export async function slackRequest(url: string, signingSecret: string, body: string, options: SignOptions = {}): Promise<Request> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? (await slackSignature(signingSecret, timestamp, options.signedBody ?? body));
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signature,
      ...options.headers,
    },
    body,
  });
}

export const newEventId = () => `Ev${randomHex(5).toUpperCase()}`;

/** An Events API `event_callback` carrying `event`. */
export function eventCallback(event: Record<string, unknown>, eventId = newEventId()): string {
  return JSON.stringify({
    token: "unused-verification-token",
    team_id: "T0RELAY01",
    api_app_id: "A0RELAY01",
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}

/** A message a person posted in a channel. */
export function personMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "message",
    channel: "C0RELAY001",
    user: "U0ADA00001",
    text: "Is my order on its way?",
    ts: `${Math.floor(Date.now() / 1000)}.${randomHex(3).replace(/\D/g, "1").padEnd(6, "0")}`,
    channel_type: "channel",
    ...overrides,
  };
}
