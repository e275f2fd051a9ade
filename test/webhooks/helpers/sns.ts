/**
 * Signs SNS messages the way SNS does, from AWS's documentation: the string to sign is
 * `Name\nValue\n` for Message, MessageId, Subject (when present), Timestamp, TopicArn and Type of
 * a notification — Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn and Type of a
 * subscription confirmation — and the signature is RSA PKCS#1 v1.5 with SHA1 (SignatureVersion 1)
 * or SHA256 (2), base64. The certificate and key come from test/support/node/sns-certificate.ts.
 */
import { inject, vi } from "vitest";
import { fromBase64, randomHex, toBase64, utf8 } from "./encoding";

export type SnsMessage = Record<string, string>;
export type SignatureVersion = "1" | "2";

const NOTIFICATION_KEYS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];
const SUBSCRIPTION_KEYS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
export const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:relay-ses-events";

function pemBody(pem: string): Uint8Array {
  return fromBase64(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, ""));
}

export async function importSigningKey(version: SignatureVersion, privateKeyPem = inject("snsSigning").privateKeyPem): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "pkcs8",
    pemBody(privateKeyPem),
    { name: "RSASSA-PKCS1-v1_5", hash: version === "1" ? "SHA-1" : "SHA-256" },
    false,
    ["sign"],
  );
}

/** A key no certificate vouches for. */
export async function foreignSigningKey(version: SignatureVersion): Promise<CryptoKey> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: version === "1" ? "SHA-1" : "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  return (pair as CryptoKeyPair).privateKey;
}

export async function signSns(message: SnsMessage, key: CryptoKey): Promise<string> {
  const keys = message.Type === "Notification" ? NOTIFICATION_KEYS : SUBSCRIPTION_KEYS;
  const text = keys.filter((name) => name in message).reduce((data, name) => `${data}${name}\n${message[name]}\n`, "");
  return toBase64(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, utf8(text)));
}

export const certificateUrl = () => `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${randomHex(8)}.pem`;

type Envelope = { version?: SignatureVersion; certUrl?: string; key?: CryptoKey; messageId?: string };

async function signed(fields: SnsMessage, options: Envelope): Promise<SnsMessage> {
  const version = options.version ?? "1";
  const message: SnsMessage = { ...fields, SignatureVersion: version, SigningCertURL: options.certUrl ?? certificateUrl() };
  message.Signature = await signSns(message, options.key ?? (await importSigningKey(version)));
  return message;
}

/** A signed SNS Notification carrying `notification` (JSON) as its Message. */
export function snsNotification(notification: unknown, options: Envelope = {}): Promise<SnsMessage> {
  return signed(
    {
      Type: "Notification",
      MessageId: options.messageId ?? crypto.randomUUID(),
      TopicArn: TOPIC_ARN,
      Message: typeof notification === "string" ? notification : JSON.stringify(notification),
      Timestamp: new Date().toISOString(),
      UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:${crypto.randomUUID()}`,
    },
    options,
  );
}

export function snsSubscriptionConfirmation(subscribeUrl: string, options: Envelope = {}): Promise<SnsMessage> {
  const token = randomHex(32);
  return signed(
    {
      Type: "SubscriptionConfirmation",
      MessageId: crypto.randomUUID(),
      Token: token,
      TopicArn: TOPIC_ARN,
      Message: `You have chosen to subscribe to the topic ${TOPIC_ARN}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: subscribeUrl,
      Timestamp: new Date().toISOString(),
    },
    options,
  );
}

export const confirmUrl = (host = "sns.us-east-1.amazonaws.com") =>
  `https://${host}/?Action=ConfirmSubscription&TopicArn=${TOPIC_ARN}&Token=${randomHex(16)}`;

export function snsRequest(url: string, message: SnsMessage | string): Request {
  const body = typeof message === "string" ? message : JSON.stringify(message);
  const type = typeof message === "string" ? "Notification" : message.Type;
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": type },
    body,
  });
}

/**
 * Stands in for AWS on outbound fetches: the certificate at any sns.*.amazonaws.com `.pem` URL,
 * `200` for a ConfirmSubscription call, 404 otherwise. Returns the spy, whose calls are every URL fetched.
 */
export function interceptAws(certificatePem = inject("snsSigning").certificatePem) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname.endsWith(".amazonaws.com") && url.pathname.endsWith(".pem")) return new Response(certificatePem);
    if (url.searchParams.get("Action") === "ConfirmSubscription") return new Response("<ConfirmSubscriptionResponse/>");
    return new Response("not found", { status: 404 });
  });
}

export function fetchedUrls(spy: ReturnType<typeof interceptAws>): string[] {
  return spy.mock.calls.map(([input]) => (input instanceof Request ? input.url : String(input)));
}

export function sesNotification(kind: "Delivery" | "Bounce" | "Complaint", messageId: string, detail: Record<string, unknown>): unknown {
  const timestamp = new Date().toISOString();
  return {
    notificationType: kind,
    mail: { timestamp, source: "relay@example.com", messageId, destination: ["jane@example.com", "john@example.com"] },
    ...detail,
  };
}
