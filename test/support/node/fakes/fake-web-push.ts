import { createECDH, createPublicKey, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type Behaviour, resolve } from "./fake-behaviour";
import { verifyJwt } from "./jwt-verification";
import { closeServer, listenOnLoopback } from "./loopback-server";
import { decryptWebPush } from "./web-push-decryption";

export type PushSubscriptionJson = { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
export type WebPushReceived = { payload: unknown; ttl?: string; urgency?: string; topic?: string; vapidSubject: unknown };

type Subscription = {
  json: PushSubscriptionJson;
  applicationServerKey: string;
  privateKey: Buffer;
  publicKey: Buffer;
  auth: Buffer;
  received: WebPushReceived[];
  refused: string[];
  gone: boolean;
};

function answer(response: ServerResponse, status: number, value?: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(value === undefined ? "" : JSON.stringify(value));
}

async function readBytes(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The application server's raw P-256 public key (base64url, 65 bytes) as a key object. */
function vapidKey(k: string) {
  const point = Buffer.from(k, "base64url");
  return createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
}

/**
 * A push service on 127.0.0.1, as a browser's would be. A subscription is made for an
 * application server key, like `pushManager.subscribe({ applicationServerKey })`; a push to it
 * must carry a VAPID JWT (RFC 8292) signed by that key for this origin, and an aes128gcm body
 * (RFC 8291) that the subscription's own private key decrypts — or it is refused (401/400).
 */
export async function startFakeWebPush() {
  const subscriptions = new Map<string, Subscription>();
  let fallback: Behaviour = { kind: "ok" };
  let baseUrl = "";

  function subscribe(applicationServerKey: string): PushSubscriptionJson {
    const id = randomBytes(8).toString("hex");
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const json: PushSubscriptionJson = {
      endpoint: `${baseUrl}/push/${id}`,
      expirationTime: null,
      keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
    };
    subscriptions.set(id, {
      json,
      applicationServerKey,
      privateKey: ecdh.getPrivateKey(),
      publicKey: ecdh.getPublicKey(),
      auth,
      received: [],
      refused: [],
      gone: false,
    });
    return json;
  }

  function refuseVapid(subscription: Subscription, authorization: string): string | undefined {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
    if (!match) return "no VAPID authorization";
    if (match[2] !== subscription.applicationServerKey) return "the key is not the one the subscription was made with";
    const verified = verifyJwt(match[1], vapidKey(match[2]), "ES256");
    if (!verified) return "the VAPID signature does not verify";
    const now = Math.floor(Date.now() / 1000);
    const { aud, exp, sub } = verified.claims;
    if (aud !== baseUrl) return `aud ${String(aud)} is not this push service's origin`;
    if (typeof exp !== "number" || exp <= now || exp > now + 86_400) return "exp is not within the next 24 hours";
    if (typeof sub !== "string" || !/^(mailto:|https:)/.test(sub)) return "sub is not a mailto: or https: contact";
    return undefined;
  }

  function push(subscription: Subscription, request: IncomingMessage, body: Buffer, response: ServerResponse) {
    if (subscription.gone) return answer(response, 410, { reason: "unsubscribed" });
    const refused = refuseVapid(subscription, String(request.headers.authorization ?? ""));
    if (refused) {
      subscription.refused.push(refused);
      return answer(response, 401, { reason: refused });
    }
    const behaviour = resolve(fallback);
    if (behaviour.kind === "hang") return;
    if (behaviour.kind === "drop") return request.socket.destroy();
    if (behaviour.kind === "fail")
      return answer(response, behaviour.status, { reason: behaviour.message ?? "fake failure" }, { "retry-after": "1" });
    if (request.headers["content-encoding"] !== "aes128gcm" || !request.headers.ttl)
      return answer(response, 400, { reason: "aes128gcm and TTL are required" });
    let payload: unknown;
    try {
      payload = JSON.parse(decryptWebPush(body, subscription).toString("utf8"));
    } catch (error) {
      subscription.refused.push(`undecryptable: ${String(error)}`);
      return answer(response, 400, { reason: "the payload does not decrypt" });
    }
    const { ttl, urgency, topic } = request.headers as Record<string, string | undefined>;
    const token = String(request.headers.authorization).split("t=")[1]?.split(",")[0] ?? "";
    const vapidSubject = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8") || "{}").sub;
    subscription.received.push({ payload, ttl, urgency, topic, vapidSubject });
    answer(response, 201, undefined, { location: `${subscription.json.endpoint}/messages/${randomBytes(6).toString("hex")}` });
  }

  const server: Server = createServer(async (request, response) => {
    const body = await readBytes(request);
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (request.method === "POST" && path === "/__subscriptions") {
      const { applicationServerKey } = JSON.parse(body.toString("utf8")) as { applicationServerKey: string };
      return answer(response, 201, subscribe(applicationServerKey));
    }
    if (request.method === "POST" && path === "/__behaviour") {
      fallback = JSON.parse(body.toString("utf8")) as Behaviour;
      return answer(response, 200, { ok: true });
    }
    const control = /^\/__subscriptions\/([a-f0-9]+)(\/gone)?$/.exec(path);
    const controlled = control ? subscriptions.get(control[1]) : undefined;
    if (controlled && request.method === "GET")
      return answer(response, 200, { received: controlled.received, refused: controlled.refused });
    if (controlled && control?.[2]) {
      controlled.gone = true;
      return answer(response, 200, { ok: true });
    }
    const target = /^\/push\/([a-f0-9]+)$/.exec(path);
    const subscription = target ? subscriptions.get(target[1]) : undefined;
    if (request.method === "POST" && subscription) return push(subscription, request, body, response);
    answer(response, 404, { reason: "no such subscription" });
  });

  baseUrl = await listenOnLoopback(server);
  const byEndpoint = (endpoint: string) => subscriptions.get(endpoint.split("/").at(-1) ?? "");
  return {
    baseUrl,
    subscribe,
    received: (endpoint: string) => byEndpoint(endpoint)?.received ?? [],
    refused: (endpoint: string) => byEndpoint(endpoint)?.refused ?? [],
    unsubscribe(endpoint: string) {
      const subscription = byEndpoint(endpoint);
      if (subscription) subscription.gone = true;
    },
    setBehaviour(behaviour: Behaviour) {
      fallback = behaviour;
    },
    close: () => closeServer(server),
  };
}
export type FakeWebPush = Awaited<ReturnType<typeof startFakeWebPush>>;
