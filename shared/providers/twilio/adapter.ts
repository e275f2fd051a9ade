import { textToBase64 } from "../../encoding/bytes";
import { credentialsRefused, isAuthRefusal, unexpectedAnswer, unreachableCheck } from "../check-result";
import { isProviderFaultStatus, rejected, retryAfterSeconds, unavailable, unreachable } from "../http-outcome";
import { numberAt, readJson, stringAt } from "../json-body";
import type { AdapterContext, CheckResult, EarlierSends, OutboundMessage, PriceLookup, Provider, SendOutcome } from "../provider";
import { withoutSecrets } from "../secret-redaction";
import { twilioCallbackUrl } from "./callback-url";
import type { TwilioConfig } from "./config";

export const DEFAULT_BASE_URL = "https://api.twilio.com";
/** A crash leaves at most a lease's worth of sends unrecorded: one page of the newest covers it. */
const LOOKUP_PAGE_SIZE = 50;

/**
 * Twilio error codes that blame our account or sender setup rather than the recipient: another
 * provider may well deliver, so they fail over. Every other 4xx is the recipient's or content's fault.
 * 20003 authentication, 20404 not found, 20429 too many requests, 21212 invalid From, 21408 region
 * not enabled, 21606/21659 From not a sending number of this account, 21608 trial account,
 * 21703/21704 Messaging Service without senders.
 */
const ACCOUNT_AT_FAULT = new Set([20003, 20404, 20429, 21212, 21408, 21606, 21608, 21659, 21703, 21704]);

const ACCOUNT_STATUSES = new Set(["active", "suspended", "closed"]);

/** SMS through Twilio's Messages API: form-encoded, basic auth, status callbacks to the webhooks worker. */
export class TwilioAdapter implements Provider {
  readonly type = "twilio" as const;
  private readonly authorization: string;

  constructor(
    readonly id: string,
    private readonly config: TwilioConfig,
    private readonly context: AdapterContext = {},
  ) {
    this.authorization = `Basic ${textToBase64(`${config.accountSid}:${config.authToken}`)}`;
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    return withoutSecrets(await this.attemptSend(message, signal), this.secrets());
  }

  async check(signal: AbortSignal): Promise<CheckResult> {
    return withoutSecrets(await this.attemptCheck(signal), this.secrets());
  }

  /** Twilio's Messages list, newest first, filtered by recipient and sender; matched on body and time here. */
  async findSent(message: OutboundMessage, since: Date, signal: AbortSignal): Promise<EarlierSends> {
    const text = message.content.text;
    if (!text) return { kind: "listed", ids: [] };
    const from = message.from ?? this.config.from;
    const query = new URLSearchParams({ To: message.to, PageSize: String(LOOKUP_PAGE_SIZE) });
    if (from) query.set("From", from);
    try {
      const response = await fetch(`${this.accountUrl()}/Messages.json?${query}`, {
        headers: { authorization: this.authorization, accept: "application/json" },
        signal,
        redirect: "manual",
      });
      if (response.status === 429 || response.status >= 500)
        return {
          kind: "unavailable",
          message: `Twilio answered ${response.status}`,
          retryAfterSeconds: retryAfterSeconds(response.headers),
        };
      const listed = response.status === 200 ? messagesIn(await readJson(response)) : undefined;
      if (!listed) return { kind: "unsupported", message: `Twilio's Messages list answered ${response.status}` };
      const ids = listed
        .filter((sent) => sent.body === text && sent.to === message.to && sent.createdAt >= since.getTime())
        .filter((sent) => from || sent.messagingServiceSid === this.config.messagingServiceSid)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((sent) => sent.sid);
      return { kind: "listed", ids };
    } catch (error) {
      return { kind: "unavailable", message: unreachable(error, signal).message };
    }
  }

  /** The Message resource (`GET …/Messages/{sid}.json`): Twilio fills in `price` once the carrier has billed it. */
  async priceOf(providerMessageId: string, signal: AbortSignal): Promise<PriceLookup> {
    return withoutSecrets(await this.attemptPriceLookup(providerMessageId, signal), this.secrets());
  }

  private async attemptPriceLookup(providerMessageId: string, signal: AbortSignal): Promise<PriceLookup> {
    try {
      const response = await fetch(`${this.accountUrl()}/Messages/${encodeURIComponent(providerMessageId)}.json`, {
        headers: { authorization: this.authorization, accept: "application/json" },
        signal,
        redirect: "manual",
      });
      const body = await readJson(response);
      if (response.status !== 200) return { kind: "unavailable", message: `Twilio answered ${response.status}` };
      const { cost, currency } = costOf(body);
      if (cost === undefined) return { kind: "unpriced" };
      return currency ? { kind: "priced", cost, currency } : { kind: "priced", cost };
    } catch (error) {
      return { kind: "unavailable", message: unreachable(error, signal).message };
    }
  }

  private async attemptSend(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    if (!message.content.text) return rejected("missing_text", "an SMS needs content.text");
    try {
      const response = await fetch(`${this.accountUrl()}/Messages.json`, {
        method: "POST",
        headers: { authorization: this.authorization, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: this.form(message, message.content.text),
        signal,
        redirect: "manual",
      });
      const body = await readJson(response);
      if (response.status >= 200 && response.status < 300) {
        const sid = stringAt(body, "sid");
        if (!sid) return unavailable("unexpected_response", `Twilio answered ${response.status} without a message sid`);
        return { kind: "sent", providerMessageId: sid, ...costOf(body) };
      }
      return classify(response, body);
    } catch (error) {
      return unreachable(error, signal);
    }
  }

  private async attemptCheck(signal: AbortSignal): Promise<CheckResult> {
    try {
      const response = await fetch(`${this.accountUrl()}.json`, {
        headers: { authorization: this.authorization, accept: "application/json" },
        signal,
        redirect: "manual",
      });
      const body = await readJson(response);
      if (isAuthRefusal(response.status)) return credentialsRefused(response.status, "Twilio");
      const status = stringAt(body, "status");
      if (response.status !== 200 || !status || !ACCOUNT_STATUSES.has(status)) return unexpectedAnswer(response.status, "Twilio");
      return { ok: status === "active", message: `reachable: the Twilio account ${this.config.accountSid} is ${status}` };
    } catch (error) {
      return unreachableCheck(signal, error);
    }
  }

  private accountUrl(): string {
    const base = (this.config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    return `${base}/2010-04-01/Accounts/${this.config.accountSid}`;
  }

  private form(message: OutboundMessage, text: string): URLSearchParams {
    const form = new URLSearchParams({ To: message.to, Body: text });
    const from = message.from ?? this.config.from;
    if (from) form.set("From", from);
    if (this.config.messagingServiceSid) form.set("MessagingServiceSid", this.config.messagingServiceSid);
    if (this.context.webhooksPublicUrl) {
      // Our message id rides along (Twilio signs the full URL), so a callback that beats
      // dispatch's own write of the provider message id still finds its message.
      const route = { providerId: this.id, endpoint: "status", messageId: message.id };
      form.set("StatusCallback", twilioCallbackUrl.build(this.context.webhooksPublicUrl, route));
    }
    return form;
  }

  private secrets(): string[] {
    return [this.config.authToken, this.authorization.slice("Basic ".length)];
  }
}

function classify(response: Response, body: unknown): SendOutcome {
  const twilioCode = numberAt(body, "code");
  const code = twilioCode === undefined ? `http_${response.status}` : String(twilioCode);
  const message = stringAt(body, "message") ?? `Twilio answered ${response.status}`;
  if (response.status === 429 || twilioCode === 20429) return unavailable(code, message, retryAfterSeconds(response.headers));
  if (isProviderFaultStatus(response.status) || response.status === 404 || (twilioCode !== undefined && ACCOUNT_AT_FAULT.has(twilioCode)))
    return unavailable(code, message);
  // The recipient replied STOP to this sender: Twilio refuses until they opt back in.
  if (twilioCode === UNSUBSCRIBED_RECIPIENT) return { ...rejected(code, message), suppresses: "provider" };
  return rejected(code, message);
}

const UNSUBSCRIBED_RECIPIENT = 21610;

type ListedMessage = { sid: string; to: string; body: string; createdAt: number; messagingServiceSid: string | undefined };

/** The outbound messages of a Messages list page, or undefined when the page is not one. */
function messagesIn(page: unknown): ListedMessage[] | undefined {
  const items = typeof page === "object" && page !== null ? (page as { messages?: unknown }).messages : undefined;
  if (!Array.isArray(items)) return undefined;
  return items.flatMap((item) => {
    const sid = stringAt(item, "sid");
    const createdAt = Date.parse(stringAt(item, "date_created") ?? "");
    const outbound = (stringAt(item, "direction") ?? "outbound-api").startsWith("outbound");
    if (!sid || !outbound || Number.isNaN(createdAt)) return [];
    const to = stringAt(item, "to") ?? "";
    const body = stringAt(item, "body") ?? "";
    return [{ sid, to, body, createdAt, messagingServiceSid: stringAt(item, "messaging_service_sid") }];
  });
}

/** Twilio reports price as a negative decimal string ("-0.00750"), and usually null at creation. */
function costOf(body: unknown): { cost?: number; currency?: string } {
  const price = numberAt(body, "price") ?? Number.parseFloat(stringAt(body, "price") ?? "");
  if (!Number.isFinite(price)) return {};
  const currency = stringAt(body, "price_unit")?.toUpperCase();
  return currency ? { cost: Math.abs(price), currency } : { cost: Math.abs(price) };
}
