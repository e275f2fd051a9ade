/**
 * What the Node-side global setups (test/support/node/) hand the Workers-side tests through
 * vitest's provide/inject. Types only, no Node imports: both type-checks include this file.
 */
export type PrismName = "twilio" | "resend" | "telegram" | "slack";

/** What the fake server does for a request in a scenario. */
export type Behaviour =
  | { status: number; headers?: Record<string, string>; body?: string | Record<string, unknown> }
  | { hang: true }
  | { reset: true }
  | { proxy: PrismName };

/** Routes are keyed "METHOD /path", the path relative to the scenario's base URL. */
export type ScenarioSpec = { routes?: Record<string, Behaviour>; fallback?: Behaviour };

export type RecordedRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** For a proxied request, the status Prism answered (422 means the request broke the spec). */
  upstreamStatus?: number;
};

export type ProviderServers = {
  prism: Record<PrismName, string>;
  /** The fake server: `POST /__scenarios` makes a scenario, `/s/{id}/…` plays it, `GET /__scenarios/{id}/requests` lists what came. */
  fake: string;
  /** A port on 127.0.0.1 that nothing listens on. */
  closedUrl: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    providerServers: ProviderServers;
  }
}

export type SmtpFixture = {
  host: string;
  /** Plaintext, no STARTTLS, AUTH PLAIN and LOGIN required. */
  port: number;
  /** Plaintext, AUTH LOGIN only. */
  loginOnlyPort: number;
  /** Plaintext, no AUTH at all. */
  noAuthPort: number;
  /** Offers STARTTLS with smtp-server's built-in self-signed certificate, which workerd does not trust. */
  startTlsPort: number;
  /** Accepts connections and never says a word. */
  silentPort: number;
  /** Nothing listens here. */
  closedPort: number;
  /** `GET {inboxUrl}?to=address` → RecordedMessage[] received for that recipient. */
  inboxUrl: string;
  username: string;
  password: string;
  /** AUTH as this user fails with a 535 whose text repeats the password given. */
  echoingUsername: string;
};

export type RecordedMessage = {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: { subject?: string; messageId?: string; from?: string; to?: string[]; text?: string; html?: string };
};

declare module "vitest" {
  export interface ProvidedContext {
    smtp: SmtpFixture;
  }
}

export type SnsSigningMaterial = { certificatePem: string; privateKeyPem: string };

declare module "vitest" {
  export interface ProvidedContext {
    snsSigning: SnsSigningMaterial;
  }
}

/** The fake FCM (and its token endpoint) and the fake Web Push service; see test/support/node/push-servers.ts. */
export type PushServers = { fcm: string; webPush: string };

declare module "vitest" {
  export interface ProvidedContext {
    pushServers: PushServers;
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** test/support/node/event-receiver.ts: makes receivers of tenant events on 127.0.0.1. */
    eventReceiver: string;
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** test/support/node/untrusted-tls.ts: an HTTPS server on 127.0.0.1 with a self-signed certificate. */
    untrustedTls: string;
  }
}
