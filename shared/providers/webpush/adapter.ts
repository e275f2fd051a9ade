import { encryptNotification } from "@block65/webcrypto-web-push";
import { type PushContent, pushContentOf, pushNotification } from "../../domain/push-content";
import type { WebPushSubscription } from "../../domain/push-target";
import { utf8 } from "../../encoding/bytes";
import { rejected, retryAfterSeconds, unavailable, unreachable } from "../http-outcome";
import { type OutboundPolicy, refusedUrl } from "../outbound-policy";
import type { CheckResult, OutboundMessage, Provider, SendOutcome } from "../provider";
import { withoutSecrets } from "../secret-redaction";
import type { WebPushConfig } from "./config";
import { VapidSigner } from "./vapid";

/** RFC 8030 requires a TTL; a day when the message names none. */
const DEFAULT_TTL_SECONDS = 86_400;
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/** Web Push (RFC 8030) with VAPID (RFC 8292) and an aes128gcm-encrypted payload (RFC 8291). */
export class WebPushAdapter implements Provider {
  readonly type = "webpush" as const;
  private readonly vapid: VapidSigner;

  constructor(
    readonly id: string,
    private readonly config: WebPushConfig,
    private readonly policy: OutboundPolicy,
  ) {
    this.vapid = new VapidSigner(config);
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    return withoutSecrets(await this.attemptSend(message, signal), [this.config.vapidPrivateKey]);
  }

  /** Nothing to ask a push service without a subscription: the check proves the VAPID key pair signs. */
  async check(): Promise<CheckResult> {
    try {
      await this.vapid.authorization("https://push.example.invalid/");
      return { ok: true, message: "the VAPID key pair is usable (push services are only reached with a subscription)" };
    } catch {
      return { ok: false, message: "the VAPID private key does not match a P-256 key pair" };
    }
  }

  private async attemptSend(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    const device = message.device;
    if (device?.platform !== "webpush")
      return rejected("wrong_platform", "a Web Push provider needs a device registered with a subscription");
    const content = pushContentOf(message.content);
    if (!content) return rejected("invalid_content", "the message's content is not push content");
    const refused = refusedUrl(device.subscription.endpoint, this.policy);
    if (refused) return rejected("address_refused", `the subscription's endpoint ${refused}`);
    let request: RequestInit;
    try {
      request = await this.request(device.subscription, utf8(JSON.stringify(pushNotification(content))), content);
    } catch (error) {
      return rejected(
        "unencryptable",
        `the payload could not be encrypted for this subscription: ${error instanceof Error ? error.message : "?"}`,
      );
    }
    try {
      const response = await fetch(device.subscription.endpoint, { ...request, signal, redirect: "manual" });
      await response.body?.cancel();
      return outcomeOf(response, message.id);
    } catch (error) {
      return unreachable(error, signal);
    }
  }

  private async request(subscription: WebPushSubscription, payload: Uint8Array, content: PushContent): Promise<RequestInit> {
    const body = await encryptNotification({ ...subscription, expirationTime: subscription.expirationTime ?? null }, payload);
    const headers: Record<string, string> = {
      authorization: await this.vapid.authorization(subscription.endpoint),
      ttl: String(content.ttlSeconds ?? DEFAULT_TTL_SECONDS),
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
    };
    if (content.priority) headers.urgency = content.priority;
    if (content.collapseKey && TOPIC.test(content.collapseKey)) headers.topic = content.collapseKey;
    return { method: "POST", headers, body };
  }
}

function outcomeOf(response: Response, messageId: string): SendOutcome {
  const status = response.status;
  if (status === 200 || status === 201 || status === 202)
    return { kind: "sent", providerMessageId: response.headers.get("location")?.slice(0, 500) || messageId };
  if (status === 404 || status === 410)
    return { ...rejected(`http_${status}`, "the push subscription has expired or was unsubscribed"), recipientGone: true };
  if (status === 429 || status >= 500)
    return unavailable(`http_${status}`, `the push service answered ${status}`, retryAfterSeconds(response.headers));
  if (status === 401 || status === 403 || status < 200 || (status >= 300 && status < 400))
    return unavailable(`http_${status}`, `the push service answered ${status} (is the VAPID key the one the page subscribed with?)`);
  return rejected(`http_${status}`, `the push service refused the notification (${status})`);
}
