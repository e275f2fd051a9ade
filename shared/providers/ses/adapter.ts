import { AwsClient } from "aws4fetch";
import { domainOf, parseMailbox, parseMailboxes } from "../../domain/mailbox";
import { textToBase64 } from "../../encoding/bytes";
import { credentialsRefused, isAuthRefusal, unexpectedAnswer, unreachableCheck } from "../check-result";
import { isProviderFaultStatus, rejected, retryAfterSeconds, unavailable, unreachable } from "../http-outcome";
import { booleanAt, readJson, stringAt } from "../json-body";
import { buildMimeMessage } from "../mime-message";
import type { CheckResult, OutboundMessage, Provider, SendOutcome } from "../provider";
import { withoutSecrets } from "../secret-redaction";
import type { SesConfig } from "./config";

/** SES error types that blame the account or its setup, so another provider may deliver. */
const ACCOUNT_AT_FAULT = new Set([
  "AccountSuspendedException",
  "LimitExceededException",
  "MailFromDomainNotVerifiedException",
  "NotFoundException",
  "SendingPausedException",
  "ThrottlingException",
  "TooManyRequestsException",
]);

/** Email through SES v2 SendEmail, signed with SigV4. */
export class SesAdapter implements Provider {
  readonly type = "aws-ses" as const;
  private readonly aws: AwsClient;

  constructor(
    readonly id: string,
    private readonly config: SesConfig,
  ) {
    // No retries inside aws4fetch: the queue retries, and the send's timeout must bound one attempt.
    this.aws = new AwsClient({
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      region: config.region,
      service: "ses",
      retries: 0,
    });
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    return withoutSecrets(await this.attemptSend(message, signal), [this.config.secretAccessKey]);
  }

  async check(signal: AbortSignal): Promise<CheckResult> {
    return withoutSecrets(await this.attemptCheck(signal), [this.config.secretAccessKey]);
  }

  private async attemptSend(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    const { html, text } = message.content;
    if (!html && !text) return rejected("missing_content", "an email needs content.html or content.text");
    const content = needsRawMessage(message) ? this.rawContent(message) : simpleContent(message);
    if (!content) return rejected("invalid_recipient", "a sender or recipient is not a valid email address");
    const email = message.email;
    const request = {
      FromEmailAddress: message.from ?? this.config.from,
      Destination: {
        ToAddresses: email?.to ?? [message.to],
        ...(email?.cc.length ? { CcAddresses: email.cc } : {}),
        ...(email?.bcc.length ? { BccAddresses: email.bcc } : {}),
      },
      ...(email?.replyTo.length && "Simple" in content ? { ReplyToAddresses: email.replyTo } : {}),
      Content: content,
      ...(this.config.configurationSet ? { ConfigurationSetName: this.config.configurationSet } : {}),
    };
    try {
      const response = await this.aws.fetch(this.url("/v2/email/outbound-emails"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
        signal,
        redirect: "manual",
      });
      const body = await readJson(response);
      if (response.status >= 200 && response.status < 300) {
        const messageId = stringAt(body, "MessageId");
        return messageId
          ? { kind: "sent", providerMessageId: messageId }
          : unavailable("unexpected_response", "SES answered without a MessageId");
      }
      return classify(response, body);
    } catch (error) {
      return unreachable(error, signal);
    }
  }

  /**
   * The whole MIME message (SES v2 `Content.Raw`), for custom headers and attachments, which
   * `Simple` content cannot carry. Bcc is only in `Destination`, never in the headers.
   */
  private rawContent(message: OutboundMessage): { Raw: { Data: string } } | null {
    const email = message.email;
    const from = parseMailbox(message.from ?? this.config.from);
    const lists = [email?.to ?? [message.to], email?.cc ?? [], email?.replyTo ?? []].map(parseMailboxes);
    const [to, cc, replyTo] = lists;
    if (!from || !to || !cc || !replyTo) return null;
    const mime = buildMimeMessage({
      messageId: `${message.id}@${domainOf(from.address)}`,
      from,
      to,
      cc,
      replyTo,
      subject: message.subject ?? "",
      text: message.content.text,
      html: message.content.html,
      headers: email?.headers,
      attachments: email?.attachments,
      date: new Date(),
    });
    return { Raw: { Data: textToBase64(mime) } };
  }

  private async attemptCheck(signal: AbortSignal): Promise<CheckResult> {
    try {
      const response = await this.aws.fetch(this.url("/v2/email/account"), { signal, redirect: "manual" });
      const body = await readJson(response);
      if (isAuthRefusal(response.status)) return credentialsRefused(response.status, "SES", errorOf(response, body).code);
      const sending = booleanAt(body, "SendingEnabled");
      if (response.status !== 200 || sending === undefined) return unexpectedAnswer(response.status, "SES");
      if (!sending) return { ok: false, message: "the credentials are valid but sending is disabled" };
      const sandbox = booleanAt(body, "ProductionAccessEnabled") === false ? " (sandbox: verified recipients only)" : "";
      return { ok: true, message: `the credentials are valid and sending is enabled in ${this.config.region}${sandbox}` };
    } catch (error) {
      return unreachableCheck(signal, error);
    }
  }

  private url(path: string): string {
    const base = this.config.endpoint ?? `https://email.${this.config.region}.amazonaws.com`;
    return `${base.replace(/\/+$/, "")}${path}`;
  }
}

function needsRawMessage(message: OutboundMessage): boolean {
  return Boolean(message.email && (message.email.attachments.length > 0 || Object.keys(message.email.headers).length > 0));
}

function simpleContent(message: OutboundMessage) {
  const { html, text } = message.content;
  return {
    Simple: {
      Subject: { Data: message.subject ?? "", Charset: "UTF-8" },
      Body: {
        ...(text ? { Text: { Data: text, Charset: "UTF-8" } } : {}),
        ...(html ? { Html: { Data: html, Charset: "UTF-8" } } : {}),
      },
    },
  };
}

/** The error type comes as `x-amzn-ErrorType: MessageRejected:http://…` or a body `__type` like `…#MessageRejected`. */
function errorOf(response: Response, body: unknown): { code: string; message: string } {
  const raw = response.headers.get("x-amzn-errortype") ?? stringAt(body, "__type") ?? stringAt(body, "code") ?? `http_${response.status}`;
  const code = (raw.split(":")[0] ?? raw).split("#").pop() ?? raw;
  const message = stringAt(body, "message") ?? stringAt(body, "Message") ?? `SES answered ${response.status}`;
  return { code, message };
}

function classify(response: Response, body: unknown): SendOutcome {
  const { code, message } = errorOf(response, body);
  if (response.status === 429 || code === "TooManyRequestsException" || code === "ThrottlingException")
    return unavailable(code, message, retryAfterSeconds(response.headers));
  if (isProviderFaultStatus(response.status) || response.status === 404 || ACCOUNT_AT_FAULT.has(code)) return unavailable(code, message);
  return rejected(code, message);
}
