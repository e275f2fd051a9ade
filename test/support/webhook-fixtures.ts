import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { keyringFromEnv, seal } from "../../shared/crypto/credential-cipher";
import { database } from "../../shared/db/database";
import { type MessageRow, messages, providerConfigs, tenants } from "../../shared/db/schema";
import type { Channel } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import worker from "../../workers/webhooks/index";

/** The public origin the webhooks worker is reached at in these tests (Twilio signs the full URL). */
export const WEBHOOKS_ORIGIN = "https://relay-webhooks.example";

export const db = () => database(env.DB);

export async function newTenant(): Promise<string> {
  const id = newId("tenant");
  await db().insert(tenants).values({ id, name: "webhooks test", createdAt: new Date().toISOString() });
  return id;
}

type CallbackProviderType = "twilio" | "resend" | "aws-ses";
const CHANNEL: Record<CallbackProviderType, Channel> = { twilio: "sms", resend: "email", "aws-ses": "email" };

type ProviderSpec = { tenantId: string | null; type: CallbackProviderType; config: Record<string, unknown>; enabled?: boolean };

/** Inserts a provider config sealed exactly as the API would, straight into D1. */
export async function addProvider(spec: ProviderSpec): Promise<string> {
  const id = newId("provider");
  const sealed = await seal(keyringFromEnv(env), id, spec.config);
  const now = new Date().toISOString();
  await db()
    .insert(providerConfigs)
    .values({
      id,
      tenantId: spec.tenantId,
      type: spec.type,
      channel: CHANNEL[spec.type],
      name: `${spec.type} for webhooks`,
      encryptedConfig: sealed.ciphertext,
      keyVersion: sealed.keyVersion,
      mask: "",
      enabled: spec.enabled ?? true,
      priority: 0,
      metadata: {},
      createdAt: now,
      updatedAt: now,
    });
  return id;
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
  ses: () => ({
    accessKeyId: `AKIA${randomHex(8).toUpperCase()}`,
    secretAccessKey: randomBase64(30),
    region: "us-east-1",
    from: "relay@example.com",
  }),
};

/** An outbound message as dispatch leaves it after a successful send (override anything). */
export async function outboundMessage(tenantId: string, overrides: Partial<MessageRow> = {}): Promise<MessageRow> {
  const now = new Date().toISOString();
  const row: MessageRow = {
    id: newId("message"),
    tenantId,
    channel: "sms",
    direction: "outbound",
    recipient: "+14155550100",
    sender: null,
    subject: null,
    content: { text: "hello" },
    status: "sent",
    providerId: null,
    providerMessageId: null,
    cost: null,
    idempotencyKey: null,
    requestHash: null,
    scheduledAt: null,
    sentAt: now,
    attempts: 1,
    lastError: null,
    leaseExpiresAt: null,
    metadata: {},
    requestId: "req_test",
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await db().insert(messages).values(row);
  return row;
}

export async function messageRow(id: string): Promise<MessageRow> {
  const row = await db().query.messages.findFirst({ where: (m, { eq }) => eq(m.id, id) });
  if (!row) throw new Error(`message ${id} is gone`);
  return row;
}

export async function eventsOf(messageId: string) {
  return db().query.messageEvents.findMany({
    where: (e, { eq }) => eq(e.messageId, messageId),
    orderBy: (e, { asc }) => [asc(e.occurredAt), asc(e.id)],
  });
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
export async function deliver(request: Request): Promise<WebhookAnswer> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
  return { status: response.status, headers: response.headers, text, body: isJson ? JSON.parse(text) : undefined };
}
