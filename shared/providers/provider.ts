import type { z } from "zod";
import type { Channel, DevicePlatform, MessageStatus, ProviderType } from "../domain/enums";
import type { MessageContent } from "../domain/message-content";
import type { OptOutSource } from "../domain/opt-out";
import type { PushTarget } from "../domain/push-target";
import type { OutboundPolicy } from "./outbound-policy";

/** An email's file, its bytes read from R2 for this send. */
export type EmailAttachment = { filename: string; contentType: string; content: Uint8Array };

/** What an email carries beyond one recipient: every `to` (the message's `to` is the first), cc, bcc, reply-to, headers, files. */
export type OutboundEmail = {
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  /** Validated at acceptance: no CR/LF, none of the headers the adapter writes itself. */
  headers: Record<string, string>;
  attachments: EmailAttachment[];
};

/** What an adapter needs to send one message. The message id doubles as idempotency key. */
export type OutboundMessage = {
  id: string;
  channel: Channel;
  to: string;
  from: string | null;
  subject: string | null;
  content: MessageContent;
  metadata: Record<string, unknown>;
  /** A push to a registered device: its token or Web Push subscription (a raw FCM token is `to` itself). */
  device?: PushTarget;
  /** An email with more than one recipient, a reply-to, custom headers or attachments. */
  email?: OutboundEmail;
};

/**
 * - `sent`: the provider took it.
 * - `rejected`: the recipient or content is at fault; another provider would fail the same way.
 * - `unavailable`: the provider is at fault (auth, 5xx, 429, timeout, network); fail over.
 * `recipientGone`: the device token or subscription no longer exists; it is never sent to again.
 * `reconciled` marks a `sent` found at the provider by `findSent`, not sent by this call.
 */
export type SendOutcome =
  | { kind: "sent"; providerMessageId: string; cost?: number; currency?: string; reconciled?: boolean }
  /**
   * `suppresses`: the provider says the recipient unsubscribed (Twilio 21610): never send to them again.
   * `recipientGone`: a push device's token or subscription is gone (it is marked invalid).
   */
  | { kind: "rejected"; code?: string; message: string; suppresses?: OptOutSource; recipientGone?: boolean }
  | { kind: "unavailable"; code?: string; message: string; retryAfterSeconds?: number };

export type CheckResult = { ok: boolean; message: string };

export interface Provider {
  readonly id: string;
  readonly type: ProviderType;
  send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome>;
  /** A real credential check against the provider, without sending anything. */
  check(signal: AbortSignal): Promise<CheckResult>;
  /**
   * For a provider that takes no idempotency key: the sends it accepted since `since` that look
   * like this message (same recipient, sender and body), oldest first — so a message whose
   * earlier attempt's outcome was lost in a crash is recorded, not sent again.
   */
  findSent?(message: OutboundMessage, since: Date, signal: AbortSignal): Promise<EarlierSends>;
  /**
   * For a provider that prices a send only after it (Twilio): what the provider says the send
   * `providerMessageId` cost, once it knows.
   */
  priceOf?(providerMessageId: string, signal: AbortSignal): Promise<PriceLookup>;
}

/**
 * - `priced`: the provider's price (positive, in `currency` when it names one).
 * - `unpriced`: the provider has no price for it yet: ask again later.
 * - `unavailable`: it could not answer now (rate limit, 5xx, network, not found).
 */
export type PriceLookup =
  | { kind: "priced"; cost: number; currency?: string }
  | { kind: "unpriced" }
  | { kind: "unavailable"; message: string };

/**
 * - `listed`: the provider answered; `ids` may be empty (nothing sent before).
 * - `unsupported`: this provider (or account) has no such list — asking again will not help.
 * - `unavailable`: it could not answer now (rate limit, 5xx, network): ask again later.
 */
export type EarlierSends =
  | { kind: "listed"; ids: string[] }
  | { kind: "unsupported"; message: string }
  | { kind: "unavailable"; message: string; retryAfterSeconds?: number };

export type AdapterContext = {
  /** Public base URL of the webhooks worker, for status callbacks. */
  webhooksPublicUrl?: string;
  /** Where adapters may connect; public host names only unless the environment allows loopback. */
  outbound?: OutboundPolicy;
};

/** A config object as a schema accepts it. */
export type ProviderConfig = Record<string, unknown>;

export type FieldOf<C extends ProviderConfig> = Extract<keyof C, string>;

/** One input of a provider type's dashboard form; `name` is a key of that type's config. */
export type ConfigField<K extends string = string> = {
  name: K;
  label: string;
  /** `secret`: write-only, a password input never filled in again. */
  kind: "text" | "secret" | "number" | "url" | "select";
  required?: boolean;
  options?: string[];
  hint?: string;
};

/** A config field an adapter connects to: a URL, or (SMTP) a bare host; checked against the outbound policy. */
export type OutboundField<K extends string = string> = { field: K; kind: "url" | "host" };

/**
 * Everything Relay knows about a type's config. Field names are `K`, not `keyof C`, so that a
 * module's spec is also a spec of configs in general (`keyof` would make it invariant in `C`).
 */
export type ConfigSpec<C extends ProviderConfig, K extends string = FieldOf<C>> = {
  schema: z.ZodType<C>;
  /** The field whose last characters make the mask shown instead of the secret. */
  maskField: K | null;
  outbound: OutboundField<K>[];
  /** The dashboard's form, in order; `kind: "secret"` marks the secrets. */
  form: ConfigField<K>[];
};

/** A callback exactly as it arrived: signatures cover the full URL and the raw body. */
export type CallbackRequest = { url: string; headers: Headers; rawBody: string };

/** What a callback URL names: the provider, which of its endpoints, and Relay's message id when the URL carries one. */
export type CallbackRoute = { providerId: string; endpoint: string; messageId?: string };

/** The one place a provider's callback URLs are written and read: adapters build them, the webhooks worker parses them. */
export type CallbackUrl = {
  build(base: string, route: CallbackRoute): string;
  /** The route a URL names, or null when it is not one of this provider's callback URLs. */
  parse(url: string): CallbackRoute | null;
};

/** What a provider's callback means for Relay. */
export type CallbackOutcome = {
  /** The status recorded on the event. */
  status: MessageStatus;
  reason: string;
  /** Whether the message itself moves to `status` — and then only forward. */
  advances: boolean;
  /** A hard bounce or a complaint: the recipient goes on the tenant's suppression list. */
  suppresses?: OptOutSource;
};

/** A verified status callback about a message Relay sent. */
export type StatusCallback = {
  kind: "status";
  /** The provider's id of the message (Twilio MessageSid, Resend email_id, SES messageId). */
  providerMessageId: string;
  /** Relay's own message id when the signed callback URL carries it. */
  messageIdHint?: string;
  /** The provider's name for what happened (`delivered`, `email.bounced`, `Bounce`). */
  event: string;
  outcome: CallbackOutcome;
  /** When set, only a message to one of these recipients changes status; others get the event alone. */
  recipients?: string[];
  /** The same callback delivered again has the same key, and records nothing new. */
  dedupeKey: string;
  rawPayload: unknown;
};

/** What the provider expects as the answer instead of Relay's envelope. */
export type CallbackReply = { body: string; contentType: string };

/** A file that came with an inbound message, still at the provider (Twilio MediaUrl, Telegram file, Slack file). */
export type InboundMedia = { url: string; contentType?: string; name?: string };

/** What the sender told us about themselves, so a contact can be found or made. */
export type InboundSender = { name?: string; phone?: string; email?: string; telegramChatId?: string; slackUserId?: string };

/**
 * A verified incoming message on any two-way channel. A conversation is (channel, `to`, `from`,
 * `thread`): our endpoint, theirs, and the platform's own thread where it has one.
 */
export type InboundCallback = {
  kind: "inbound";
  channel: Channel;
  providerMessageId: string;
  /** Our endpoint: our number (SMS), the bot (Telegram), the workspace (Slack). */
  to: string;
  /** Theirs: their number, the chat id, the Slack channel id. */
  from: string;
  /** The platform's thread within that pair (Telegram topic, Slack `thread_ts`); absent for SMS. */
  thread?: string;
  body: string;
  media: InboundMedia[];
  sender?: InboundSender;
  dedupeKey: string;
  rawPayload: unknown;
  reply?: CallbackReply;
};

export type CallbackResult =
  | StatusCallback
  | InboundCallback
  /** Verified, but nothing Relay records. */
  | { kind: "ignored" }
  /** Verified, nothing to record, and the provider expects this answer (Slack's URL verification challenge). */
  | { kind: "answered"; reply: CallbackReply }
  /** An SNS subscription, confirmed with SNS. */
  | { kind: "subscription-confirmed"; topicArn: string };

/** What the callback side may not reach for itself, so tests can stand in for it. */
export type CallbackDeps = { fetch: (url: string, init?: RequestInit) => Promise<Response> };

/** The enabled provider a callback URL named, its config decrypted and validated. */
export type CallbackTarget<C extends ProviderConfig> = { route: CallbackRoute; providerId: string; config: C };

/**
 * A provider's callback side, on plain requests (no web framework): it verifies the signature
 * with the provider's config and says what the callback means. It throws Relay's errors
 * (401 for a bad signature, 400 for a malformed body) and records nothing itself.
 */
export type CallbackSpec<C extends ProviderConfig> = {
  url: CallbackUrl;
  handle(request: CallbackRequest, target: CallbackTarget<C>, deps: CallbackDeps): Promise<CallbackResult>;
  /** The provider's answer to an inbound message that also replies to its sender with `text` (Twilio: TwiML `<Message>`). */
  replyWith?(text: string): CallbackReply;
};

/**
 * What one poll brought: the inbound messages after the offset (oldest first), and the offset
 * after them (unchanged when nothing came); or why the provider could not be asked.
 */
export type PollResult = { kind: "polled"; inbound: InboundCallback[]; nextOffset: number | null } | { kind: "failed"; message: string };

/** A provider that can be asked for its inbound messages instead of calling back (Telegram's getUpdates). */
export type InboundPoll<C extends ProviderConfig> = {
  /** Whether this config receives by polling. */
  polls(config: C): boolean;
  /** The inbound messages from `offset` on (null: whatever the provider still holds). */
  poll(target: { providerId: string; config: C }, offset: number | null, signal: AbortSignal): Promise<PollResult>;
};

/**
 * What a person does at the provider so it calls Relay: the callback URLs to paste there (by
 * endpoint of the provider's `CallbackUrl`, built on the webhooks worker's public URL) and short
 * steps. The dashboard shows them on the provider's page.
 */
export type ProviderSetup = { urls: { endpoint: string; label: string }[]; steps: readonly string[] };

/**
 * A file's download from the provider: the response whose body is the file, or why there is none —
 * `permanent` when asking again cannot help (gone, refused address), otherwise a later retry may.
 */
export type MediaDownload = { kind: "fetched"; response: Response } | { kind: "failed"; permanent: boolean; message: string };

/** How a provider's inbound files are fetched with its own credentials (Twilio's basic auth, Telegram's getFile, Slack's bot token). */
export type MediaSource<C extends ProviderConfig> = {
  /** `source` is an InboundMedia `url` this provider's callback or poll gave. */
  download(source: string, config: C, context: { outbound: OutboundPolicy; signal: AbortSignal }): Promise<MediaDownload>;
};

/** One provider's whole life: its config, its adapter, and its callbacks where it has any. */
export type ProviderModule<T extends ProviderType, C extends ProviderConfig, K extends string = FieldOf<C>> = {
  type: T;
  /** The channel it serves; null: whichever it is told (`system`). */
  channel: Channel | null;
  /** Push only: the device platforms it reaches (a raw token is `fcm`); absent, every platform. */
  platforms?: readonly DevicePlatform[];
  config: ConfigSpec<C, K>;
  /** The config has been validated by `config.schema` and its addresses checked against the outbound policy. */
  adapter(id: string, config: C, context: AdapterContext): Provider;
  callback?: CallbackSpec<C>;
  /** Its contacts can write to us (its callback or poll gives `inbound`): its channel holds conversations. */
  receives?: true;
  poll?: InboundPoll<C>;
  setup?: ProviderSetup;
  media?: MediaSource<C>;
};
