import { inject } from "vitest";
import type { MessageContent } from "../../shared/domain/message-content";
import type { PushContent } from "../../shared/domain/push-content";
import type { OutboundMessage } from "../../shared/providers/provider";
import { randomHex } from "./fixtures";

export const pushServers = () => inject("pushServers");

export type ServiceAccount = { project_id: string; client_email: string; private_key: string; token_uri: string };
export type FcmState = {
  tokenRequests: number;
  requests: number;
  refusedBearers: number;
  sends: { name: string; token: string; message: Record<string, unknown> }[];
};

async function control<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`fake control ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** A new project at the fake FCM, with its own service account key. */
export async function fcmProject() {
  const base = pushServers().fcm;
  const { serviceAccount } = await control<{ serviceAccount: ServiceAccount }>(`${base}/__projects`, {});
  const at = `${base}/__projects/${serviceAccount.project_id}`;
  return {
    serviceAccount,
    config: { serviceAccount, baseUrl: base },
    state: () => control<FcmState>(at),
    setBehaviour: (behaviour: unknown) => control(`${at}/behaviour`, behaviour),
    unregister: (token: string) => control(`${at}/unregister`, { token }),
    revokeTokens: () => control(`${at}/revoke-tokens`, {}),
  };
}

export type Subscription = { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
export type Received = { payload: Record<string, unknown>; ttl?: string; urgency?: string; topic?: string; vapidSubject: string };

/** A subscription at the fake Web Push service, made for this application server key. */
export async function webPushSubscription(applicationServerKey: string) {
  const base = pushServers().webPush;
  const subscription = await control<Subscription>(`${base}/__subscriptions`, { applicationServerKey });
  const at = `${base}/__subscriptions/${subscription.endpoint.split("/").at(-1)}`;
  return {
    subscription,
    received: () => control<{ received: Received[]; refused: string[] }>(at),
    unsubscribe: () => control(`${at}/gone`, {}),
  };
}

export function setWebPushBehaviour(behaviour: unknown) {
  return control(`${pushServers().webPush}/__behaviour`, behaviour);
}

/** A fresh VAPID key pair, as `web-push generate-vapid-keys` would make: raw public point and `d`, base64url. */
export async function vapidKeys(): Promise<{ vapidPublicKey: string; vapidPrivateKey: string }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const b64url = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
  return { vapidPublicKey: b64url(raw), vapidPrivateKey: jwk.d ?? "" };
}

export function pushMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `msg_${randomHex(8)}`,
    channel: "push",
    to: `fcm-token-${randomHex(16)}`,
    from: null,
    subject: null,
    content: pushContent({ title: "Your order", text: "has shipped" }),
    metadata: {},
    ...overrides,
  };
}

/** Push content as a message carries it: stored beside the other channels' content, read back by the push adapters. */
export function pushContent(content: PushContent): MessageContent {
  return content;
}
