import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { MessageRow } from "../../shared/db/schema";
import type { Channel } from "../../shared/domain/enums";
import worker from "../../workers/webhooks/index";
import { db, insertMessage, insertProvider } from "./d1-fixtures";

/** The public origin the webhooks worker is reached at in these tests (Twilio signs the full URL). */
export const WEBHOOKS_ORIGIN = "https://relay-webhooks.example";

export { db, eventsOf, messageRow, newTenant } from "./d1-fixtures";

type CallbackProviderType = "twilio" | "resend" | "aws-ses" | "telegram" | "slack";
const CHANNEL: Record<CallbackProviderType, Channel> = {
  twilio: "sms",
  resend: "email",
  "aws-ses": "email",
  telegram: "telegram",
  slack: "slack",
};

type ProviderSpec = { tenantId: string | null; type: CallbackProviderType; config: Record<string, unknown>; enabled?: boolean };

/** Inserts a provider config sealed exactly as the API would, straight into D1. */
export function addProvider(spec: ProviderSpec): Promise<string> {
  return insertProvider({ ...spec, channel: CHANNEL[spec.type], name: `${spec.type} for webhooks` });
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function randomBase64(bytes: number): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

/** Provider configs with secrets made at runtime. */
export const configs = {
  twilio: () => ({ accountSid: `AC${randomHex(16)}`, authToken: randomHex(16), from: "+15005550006" }),
  resend: () => ({ apiKey: `re_${randomHex(12)}`, from: "relay@example.com", webhookSecret: `whsec_${randomBase64(24)}` }),
  telegram: (overrides: Record<string, unknown> = {}) => ({
    botToken: `${100000 + Math.floor(Math.random() * 900000)}:${randomHex(16)}`,
    secretToken: randomHex(16),
    ...overrides,
  }),
  slack: () => ({ botToken: `xoxb-${randomHex(6)}-${randomHex(12)}`, signingSecret: randomHex(16) }),
  ses: () => ({
    accessKeyId: `AKIA${randomHex(8).toUpperCase()}`,
    secretAccessKey: randomBase64(30),
    region: "us-east-1",
    from: "relay@example.com",
  }),
};

/** An outbound message as dispatch leaves it after a successful send (override anything). */
export function outboundMessage(tenantId: string, overrides: Partial<MessageRow> = {}): Promise<MessageRow> {
  return insertMessage(tenantId, { status: "sent", sentAt: new Date().toISOString(), attempts: 1, ...overrides });
}

export async function unmatchedOf(providerId: string) {
  return db().query.unmatchedCallbacks.findMany({ where: (u, { eq }) => eq(u.providerId, providerId) });
}

export async function messagesOfProvider(providerId: string) {
  return db().query.messages.findMany({ where: (m, { eq }) => eq(m.providerId, providerId) });
}

/** Every row a callback to this provider could have written: its messages' events and its unmatched callbacks. */
export async function writtenFor(providerId: string): Promise<{ events: number; unmatched: number }> {
  const events = await db().query.messageEvents.findMany({ where: (e, { eq }) => eq(e.providerId, providerId) });
  return { events: events.length, unmatched: (await unmatchedOf(providerId)).length };
}

export type WebhookAnswer = {
  status: number;
  headers: Headers;
  text: string;
  body: {
    success: boolean;
    data: { result: string; messageIds: string[] } & Record<string, unknown>;
    error: { code: string; message: string };
  };
};

/** Calls the webhooks worker's fetch handler, as the runtime would on a provider's request. */
export async function deliver(request: Request, bindings: Partial<typeof env> = {}): Promise<WebhookAnswer> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
  return { status: response.status, headers: response.headers, text, body: isJson ? JSON.parse(text) : undefined };
}
