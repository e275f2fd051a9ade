import { bytesToBase64 } from "../../encoding/bytes";
import { credentialsRefused, isAuthRefusal, unexpectedAnswer, unreachableCheck } from "../check-result";
import { isProviderFaultStatus, rejected, retryAfterSeconds, unavailable, unreachable } from "../http-outcome";
import { readJson, stringAt } from "../json-body";
import type { CheckResult, OutboundMessage, Provider, SendOutcome } from "../provider";
import { withoutSecrets } from "../secret-redaction";
import type { ResendConfig } from "./config";

const DEFAULT_BASE_URL = "https://api.resend.com";

/** Email through Resend's `POST /emails`; the message id is the Idempotency-Key, so a redelivered job sends once. */
export class ResendAdapter implements Provider {
  readonly type = "resend" as const;

  constructor(
    readonly id: string,
    private readonly config: ResendConfig,
  ) {}

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    return withoutSecrets(await this.attemptSend(message, signal), this.secrets());
  }

  async check(signal: AbortSignal): Promise<CheckResult> {
    return withoutSecrets(await this.attemptCheck(signal), this.secrets());
  }

  private async attemptSend(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    const email = emailBody(message, this.config.from);
    if (!email) return rejected("missing_content", "an email needs content.html, content.text or content.templateId");
    try {
      const response = await fetch(this.url("/emails"), {
        method: "POST",
        headers: { ...this.headers(), "content-type": "application/json", "idempotency-key": message.id },
        body: JSON.stringify(email),
        signal,
        redirect: "manual",
      });
      const body = await readJson(response);
      if (response.status >= 200 && response.status < 300) {
        const id = stringAt(body, "id");
        return id
          ? { kind: "sent", providerMessageId: id }
          : unavailable("unexpected_response", `Resend answered ${response.status} without an id`);
      }
      return classify(response, body);
    } catch (error) {
      return unreachable(error, signal);
    }
  }

  private async attemptCheck(signal: AbortSignal): Promise<CheckResult> {
    try {
      const response = await fetch(this.url("/domains"), { headers: this.headers(), signal, redirect: "manual" });
      const body = await readJson(response);
      // A sending-only key may not list domains; Resend says so only for a key it recognises.
      if (stringAt(body, "name") === "restricted_api_key") return { ok: true, message: "the API key is valid (restricted to sending)" };
      if (isAuthRefusal(response.status)) return credentialsRefused(response.status, "Resend", stringAt(body, "name"));
      if (response.status !== 200 || !hasDomainList(body)) return unexpectedAnswer(response.status, "Resend");
      const domains = domainsOf(body);
      const verified = domains.filter((d) => d.status === "verified").length;
      return { ok: true, message: `the API key is valid: ${domains.length} domain(s), ${verified} verified` };
    } catch (error) {
      return unreachableCheck(signal, error);
    }
  }

  private url(path: string): string {
    return `${(this.config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")}${path}`;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.config.apiKey}`, accept: "application/json" };
  }

  private secrets(): string[] {
    return [this.config.apiKey, this.config.webhookSecret].filter((s): s is string => Boolean(s));
  }
}

type ResendEmail = {
  from: string;
  to: string[];
  subject: string;
  cc?: string[];
  bcc?: string[];
  reply_to?: string[];
  headers?: Record<string, string>;
  attachments?: { filename: string; content: string; content_type: string }[];
  html?: string;
  text?: string;
  template?: { id: string; variables?: Record<string, string | number> };
};

/** Resend's fields for what an email carries beyond one recipient; empty ones are left out. */
function envelopeFields(message: OutboundMessage): Partial<ResendEmail> {
  const email = message.email;
  if (!email) return {};
  const fields: Partial<ResendEmail> = { to: email.to };
  if (email.cc.length) fields.cc = email.cc;
  if (email.bcc.length) fields.bcc = email.bcc;
  if (email.replyTo.length) fields.reply_to = email.replyTo;
  if (Object.keys(email.headers).length) fields.headers = email.headers;
  if (email.attachments.length)
    fields.attachments = email.attachments.map((file) => ({
      filename: file.filename,
      content: bytesToBase64(file.content),
      content_type: file.contentType,
    }));
  return fields;
}

function emailBody(message: OutboundMessage, configuredFrom: string): ResendEmail | undefined {
  const { html, text, templateId, variables } = message.content;
  const email: ResendEmail = {
    from: message.from ?? configuredFrom,
    to: [message.to],
    subject: message.subject ?? "",
    ...envelopeFields(message),
  };
  if (html) email.html = html;
  if (text) email.text = text;
  if (html || text) return email;
  if (!templateId) return undefined;
  // Resend takes template variables as strings or numbers only.
  const scalars = Object.entries(variables ?? {}).filter((e): e is [string, string | number] => ["string", "number"].includes(typeof e[1]));
  email.template = scalars.length ? { id: templateId, variables: Object.fromEntries(scalars) } : { id: templateId };
  return email;
}

function classify(response: Response, body: unknown): SendOutcome {
  const code = stringAt(body, "name") ?? `http_${response.status}`;
  const message = stringAt(body, "message") ?? `Resend answered ${response.status}`;
  if (response.status === 429) return unavailable(code, message, retryAfterSeconds(response.headers));
  // 409: the same Idempotency-Key is in flight or was used for another body; not the recipient's fault.
  if (isProviderFaultStatus(response.status) || response.status === 404 || response.status === 409) return unavailable(code, message);
  return rejected(code, message);
}

function hasDomainList(body: unknown): boolean {
  return typeof body === "object" && body !== null && Array.isArray((body as { data?: unknown }).data);
}

function domainsOf(body: unknown): { status?: string }[] {
  const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : undefined;
  return Array.isArray(data) ? data.map((d) => ({ status: stringAt(d, "status") })) : [];
}
