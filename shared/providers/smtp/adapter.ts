import { domainOf, parseMailbox, parseMailboxes } from "../../domain/mailbox";
import { textToBase64 } from "../../encoding/bytes";
import { buildMimeMessage } from "../mime-message";
import type { CheckResult, OutboundMessage, Provider, SendOutcome } from "../provider";
import type { SmtpConfig } from "./config";
import { SmtpError, type SmtpServer, SmtpSession, type SmtpStage } from "./smtp-client";

/** A permanent (5xx) reply at these stages blames the recipient or the content, not the provider (RFC 5321 §4.2.1). */
const MESSAGE_AT_FAULT: ReadonlySet<SmtpStage> = new Set(["rcpt", "data", "message"]);

/** Email over SMTP with `cloudflare:sockets`: implicit TLS, STARTTLS or plaintext, AUTH PLAIN/LOGIN. */
export class SmtpAdapter implements Provider {
  readonly type = "smtp" as const;
  constructor(
    readonly id: string,
    private readonly config: SmtpConfig,
  ) {}

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    const server = this.server();
    if (typeof server === "string") return { kind: "unavailable", code: "invalid_config", message: server };
    const from = parseMailbox(message.from ?? this.config.from);
    if (!from)
      return {
        kind: message.from ? "rejected" : "unavailable",
        code: "invalid_sender",
        message: "the from address is not a valid mailbox",
      };
    const email = message.email;
    const to = parseMailboxes(email?.to ?? [message.to]);
    const cc = parseMailboxes(email?.cc ?? []);
    const bcc = parseMailboxes(email?.bcc ?? []);
    const replyTo = parseMailboxes(email?.replyTo ?? []);
    if (!to || !cc || !bcc || !replyTo)
      return { kind: "rejected", code: "invalid_recipient", message: "a recipient is not a valid email address" };
    const { text, html } = message.content;
    if (text === undefined && html === undefined)
      return { kind: "rejected", code: "empty_content", message: "an email needs text or html" };

    // The Relay message id makes the Message-ID, so a redelivery after an unclear outcome can be recognised as the same message.
    const messageId = `${message.id}@${domainOf(from.address)}`;
    const data = buildMimeMessage({
      messageId,
      from,
      to,
      cc,
      replyTo,
      subject: message.subject ?? "",
      text,
      html,
      headers: email?.headers,
      attachments: email?.attachments,
      date: new Date(),
    });
    // Bcc recipients are in the envelope only, never in the headers.
    const recipients = [...to, ...cc, ...bcc].map((mailbox) => mailbox.address);
    let session: SmtpSession | undefined;
    try {
      session = await SmtpSession.start(server, signal);
      await session.deliver({ from: from.address, to: recipients }, data);
      return { kind: "sent", providerMessageId: messageId };
    } catch (error) {
      return this.outcomeOf(error);
    } finally {
      await session?.end();
    }
  }

  async check(signal: AbortSignal): Promise<CheckResult> {
    const server = this.server();
    if (typeof server === "string") return { ok: false, message: server };
    try {
      const session = await SmtpSession.start(server, signal);
      await session.end();
      const steps = [server.security === "tls" ? "TLS" : null, "EHLO", server.security === "starttls" ? "STARTTLS" : null];
      if (session.authMechanism) steps.push(`AUTH ${session.authMechanism} as ${server.credentials?.username}`);
      return { ok: true, message: `${server.host}:${server.port} accepted ${steps.filter(Boolean).join(", ")}` };
    } catch (error) {
      return { ok: false, message: this.redact(error instanceof Error ? error.message : String(error)) };
    }
  }

  private server(): SmtpServer | string {
    const { host, port, security, username, password } = this.config;
    if ((username === undefined) !== (password === undefined)) return "username and password must be set together";
    const fromDomain = domainOf(parseMailbox(this.config.from)?.address ?? "");
    return {
      host,
      port,
      security,
      credentials: username !== undefined && password !== undefined ? { username, password } : undefined,
      // EHLO wants the client's own name; with none in a Worker, the sender's domain is the closest honest answer.
      clientName: /^[A-Za-z0-9.-]+$/.test(fromDomain) ? fromDomain : "[127.0.0.1]",
    };
  }

  private outcomeOf(error: unknown): SendOutcome {
    if (!(error instanceof SmtpError))
      return { kind: "unavailable", code: "smtp_error", message: this.redact(`SMTP client failure: ${String(error)}`) };
    const message = this.redact(error.message);
    const permanent = error.reply !== undefined && error.reply.code >= 500;
    if (permanent && MESSAGE_AT_FAULT.has(error.stage)) return { kind: "rejected", code: error.code, message };
    // 4xx, auth failures (535), a refused sender, and every network, TLS or timeout failure: the provider's problem.
    return { kind: "unavailable", code: error.code, message };
  }

  /** Server replies are echoed into outcomes; make sure no form of the password can ride along. */
  private redact(text: string): string {
    const { username, password } = this.config;
    if (!password) return text;
    const secrets = [password, textToBase64(password), textToBase64(`\0${username ?? ""}\0${password}`)];
    return secrets.reduce((result, secret) => result.split(secret).join("[redacted]"), text);
  }
}
