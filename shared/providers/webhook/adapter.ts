import { Webhook } from "standardwebhooks";
import { unreachableCheck } from "../check-result";
import { rejected, retryAfterSeconds, unavailable, unreachable } from "../http-outcome";
import type { CheckResult, OutboundMessage, Provider, SendOutcome } from "../provider";
import { withoutSecrets } from "../secret-redaction";
import type { WebhookConfig } from "./config";

const SECRET_PREFIX = "whsec_";

/** Signs with the Standard Webhooks scheme: a `whsec_` secret is base64, any other is taken as raw bytes. */
function signerFor(secret: string): Webhook {
  return secret.startsWith(SECRET_PREFIX) ? new Webhook(secret) : new Webhook(new TextEncoder().encode(secret), { format: "raw" });
}

/** An HTTP POST of the message as JSON to the tenant's URL, signed per Standard Webhooks. */
export class WebhookAdapter implements Provider {
  readonly type = "webhook" as const;

  constructor(
    readonly id: string,
    private readonly config: WebhookConfig,
  ) {}

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    return withoutSecrets(await this.attemptSend(message, signal), [this.config.secret]);
  }

  async check(signal: AbortSignal): Promise<CheckResult> {
    return withoutSecrets(await this.attemptCheck(signal), [this.config.secret]);
  }

  private async attemptSend(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    const signer = this.signer();
    if (signer === "invalid") return unavailable("invalid_secret", "the signing secret starts with whsec_ but is not valid base64");
    const sentAt = new Date();
    const body = JSON.stringify({
      type: "message",
      timestamp: sentAt.toISOString(),
      data: {
        id: message.id,
        to: message.to,
        from: message.from,
        subject: message.subject,
        content: message.content,
        metadata: message.metadata,
      },
    });
    // The message id is the webhook-id: a redelivery carries the same id, so the receiver can drop duplicates.
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "webhook-id": message.id,
      "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    };
    if (signer) headers["webhook-signature"] = signer.sign(message.id, sentAt, body);
    try {
      const response = await fetch(this.config.url, { method: "POST", headers, body, signal, redirect: "manual" });
      await response.body?.cancel();
      return outcomeOf(response, message.id);
    } catch (error) {
      return unreachable(error, signal);
    }
  }

  private async attemptCheck(signal: AbortSignal): Promise<CheckResult> {
    if (this.signer() === "invalid") return { ok: false, message: "the signing secret starts with whsec_ but is not valid base64" };
    try {
      let response = await fetch(this.config.url, { method: "HEAD", signal, redirect: "manual" });
      await response.body?.cancel();
      if (response.status === 405 || response.status === 501) {
        response = await fetch(this.config.url, { method: "OPTIONS", signal, redirect: "manual" });
        await response.body?.cancel();
      }
      return reachability(response.status);
    } catch (error) {
      return unreachableCheck(signal, error);
    }
  }

  private signer(): Webhook | "invalid" | undefined {
    if (!this.config.secret) return undefined;
    try {
      return signerFor(this.config.secret);
    } catch {
      return "invalid";
    }
  }
}

/** Reachability in fixed words: the receiver is any host the tenant chose, so its answer is not echoed. */
function reachability(status: number): CheckResult {
  // 405 after HEAD and OPTIONS: the endpoint exists and takes POST only, as many webhook receivers do.
  if ((status >= 200 && status < 300) || status === 405) return { ok: true, message: "reachable: the endpoint answered" };
  if (status >= 300 && status < 400)
    return { ok: false, message: "unreachable: the endpoint redirects elsewhere (redirects are not followed)" };
  if (status < 500) return { ok: false, message: "reachable, but the endpoint refused the request (a client error)" };
  return { ok: false, message: "reachable, but the endpoint failed (a server error)" };
}

/** The receiver is the recipient: its 4xx is final (except 408/429), its 5xx or a redirect is a provider fault. */
function outcomeOf(response: Response, messageId: string): SendOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: "sent", providerMessageId: messageId };
  const message = `the endpoint answered ${status}`;
  if (status === 408 || status === 429) return unavailable(`http_${status}`, message, retryAfterSeconds(response.headers));
  if (status >= 400 && status < 500) return rejected(`http_${status}`, message);
  return unavailable(`http_${status}`, message);
}
