import { describe, expect, inject, it } from "vitest";
import type { OutboundMessage, SendOutcome } from "../../shared/providers/provider";
import { providerFor } from "../../shared/providers/provider-factory";
import type { SmtpConfig } from "../../shared/providers/smtp/config";
import type { RecordedMessage } from "../support/provided-context";
import { LOCAL_OUTBOUND } from "./fixtures";

const smtp = inject("smtp");
const DEADLINE_MS = 5_000;

function smtpProvider(overrides: Partial<SmtpConfig> = {}) {
  const config: SmtpConfig = {
    host: smtp.host,
    port: smtp.port,
    security: "none",
    username: smtp.username,
    password: smtp.password,
    from: "Relay Tests <sender@relay.test>",
    ...overrides,
  };
  return providerFor("smtp", "prv_smtp_test", config, { outbound: LOCAL_OUTBOUND });
}

let sequence = 0;
function emailTo(to: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  sequence += 1;
  return {
    id: `msg_smtp${sequence}_${crypto.randomUUID().slice(0, 8)}`,
    channel: "email",
    to,
    from: null,
    subject: "Hello from Relay",
    content: { text: "Plain body", html: "<p>HTML body</p>" },
    metadata: {},
    ...overrides,
  };
}

function uniqueAddress(domain = "inbox.test"): string {
  return `user-${crypto.randomUUID().slice(0, 8)}@${domain}`;
}

async function received(to: string): Promise<RecordedMessage[]> {
  const response = await fetch(`${smtp.inboxUrl}?to=${encodeURIComponent(to)}`);
  return response.json();
}

function expectKind<K extends SendOutcome["kind"]>(outcome: SendOutcome, kind: K): Extract<SendOutcome, { kind: K }> {
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ kind });
  return outcome as Extract<SendOutcome, { kind: K }>;
}

describe("smtp send", () => {
  it("delivers a multipart message with the right envelope, headers and bodies", async () => {
    const to = uniqueAddress();
    const text = [
      "First line",
      ".starts with a dot",
      ".",
      "..two dots",
      "Ünïcödé and a = sign",
      "trailing spaces kept  ",
      `${"long ".repeat(400)}end`,
    ].join("\n");
    const message = emailTo(to, { subject: "Grüße — your 🚀 order", content: { text, html: "<p>.dot</p>\n.\n<p>HTML body</p>" } });

    const outcome = expectKind(await smtpProvider().send(message, AbortSignal.timeout(DEADLINE_MS)), "sent");

    const [recordedMessage, ...others] = await received(to);
    expect(others).toEqual([]);
    expect(recordedMessage.envelope).toEqual({ from: "sender@relay.test", to: [to] });
    expect(recordedMessage.parsed.subject).toBe("Grüße — your 🚀 order");
    expect(recordedMessage.parsed.from).toBe("sender@relay.test");
    expect(recordedMessage.parsed.to).toEqual([to]);
    expect(recordedMessage.parsed.messageId).toContain(message.id);
    expect(outcome.providerMessageId).toContain(message.id);
    expect(recordedMessage.parsed.text?.replace(/\r\n/g, "\n").trimEnd()).toBe(text);
    expect(recordedMessage.parsed.html?.replace(/\r\n/g, "\n").trimEnd()).toBe("<p>.dot</p>\n.\n<p>HTML body</p>");
    expect(recordedMessage.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(recordedMessage.raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    // RFC 5322 caps lines at 998 characters, and whitespace before a line break may be stripped in transit.
    expect(Math.max(...recordedMessage.raw.split("\r\n").map((line) => line.length))).toBeLessThanOrEqual(998);
    expect(recordedMessage.raw).not.toMatch(/[ \t]\r\n/);
  });

  it("sends a text-only message as a single part, with the message's own from", async () => {
    const to = uniqueAddress();
    const message = emailTo(to, { from: "Støre <store@shop.test>", content: { text: "Only text" } });

    expectKind(await smtpProvider().send(message, AbortSignal.timeout(DEADLINE_MS)), "sent");

    const [recordedMessage] = await received(to);
    expect(recordedMessage.envelope.from).toBe("store@shop.test");
    expect(recordedMessage.parsed.text?.trimEnd()).toBe("Only text");
    expect(recordedMessage.parsed.html).toBeUndefined();
    expect(recordedMessage.raw).not.toContain("multipart");
    expect(recordedMessage.raw).toMatch(/^From: =\?UTF-8\?B\?.+\?= <store@shop\.test>/m);
  });

  it("authenticates with AUTH LOGIN when the server offers nothing else", async () => {
    const to = uniqueAddress();
    expectKind(await smtpProvider({ port: smtp.loginOnlyPort }).send(emailTo(to), AbortSignal.timeout(DEADLINE_MS)), "sent");
    expect(await received(to)).toHaveLength(1);
  });

  it("keeps a header injection attempt in the subject out of the headers", async () => {
    const to = uniqueAddress();
    const message = emailTo(to, { subject: "Hi\r\nBcc: victim@evil.test" });

    expectKind(await smtpProvider().send(message, AbortSignal.timeout(DEADLINE_MS)), "sent");

    const [recordedMessage] = await received(to);
    expect(recordedMessage.raw).not.toMatch(/^Bcc:/im);
    expect(recordedMessage.envelope.to).toEqual([to]);
  });

  it("rejects a recipient the server refuses with 550, keeping the reply", async () => {
    const to = uniqueAddress("reject.test");
    const outcome = expectKind(await smtpProvider().send(emailTo(to), AbortSignal.timeout(DEADLINE_MS)), "rejected");
    expect(outcome.code).toBe("550");
    expect(outcome.message).toContain("mailbox unavailable");
    expect(outcome.message).toContain("RCPT TO");
  });

  it("rejects a message whose content the server refuses with 554 after DATA", async () => {
    const outcome = expectKind(
      await smtpProvider().send(emailTo(uniqueAddress("spam.test")), AbortSignal.timeout(DEADLINE_MS)),
      "rejected",
    );
    expect(outcome.code).toBe("554");
    expect(outcome.message).toContain("Content rejected");
  });

  it("rejects an address that is not a mailbox without connecting", async () => {
    const outcome = expectKind(
      await smtpProvider({ port: smtp.closedPort }).send(emailTo("a@b.test>\r\nDATA"), AbortSignal.timeout(DEADLINE_MS)),
      "rejected",
    );
    expect(outcome.code).toBe("invalid_recipient");
  });

  it("treats a 451 as the provider being unavailable", async () => {
    const outcome = expectKind(
      await smtpProvider().send(emailTo(uniqueAddress("later.test")), AbortSignal.timeout(DEADLINE_MS)),
      "unavailable",
    );
    expect(outcome.code).toBe("451");
    expect(outcome.message).toContain("try again later");
  });

  it("treats a wrong password as unavailable (535) without echoing the password", async () => {
    const wrongPassword = `wrong-${crypto.randomUUID()}`;
    const to = uniqueAddress();
    const outcome = expectKind(
      await smtpProvider({ password: wrongPassword }).send(emailTo(to), AbortSignal.timeout(DEADLINE_MS)),
      "unavailable",
    );
    expect(outcome.code).toBe("535");
    expect(outcome.message).toContain("AUTH");
    expect(outcome.message).not.toContain(wrongPassword);
    expect(outcome.message).not.toContain(btoa(wrongPassword));
    expect(await received(to)).toEqual([]);
  });

  it("redacts the password even when the server quotes it back", async () => {
    const password = `secret-${crypto.randomUUID()}`;
    const outcome = expectKind(
      await smtpProvider({ username: smtp.echoingUsername, password }).send(emailTo(uniqueAddress()), AbortSignal.timeout(DEADLINE_MS)),
      "unavailable",
    );
    expect(outcome.message).toContain("password [redacted] is wrong");
    expect(outcome.message).not.toContain(password);
  });

  it("refuses to send unauthenticated when credentials are set but the server offers no AUTH", async () => {
    const to = uniqueAddress();
    const outcome = expectKind(
      await smtpProvider({ port: smtp.noAuthPort }).send(emailTo(to), AbortSignal.timeout(DEADLINE_MS)),
      "unavailable",
    );
    expect(outcome.code).toBe("auth_unsupported");
    expect(await received(to)).toEqual([]);
  });

  it("treats a closed port as unavailable", async () => {
    const outcome = expectKind(
      await smtpProvider({ port: smtp.closedPort }).send(emailTo(uniqueAddress()), AbortSignal.timeout(DEADLINE_MS)),
      "unavailable",
    );
    expect(outcome.code).toBe("connection_failed");
  });

  it("gives up on a server that never answers when the signal times out", async () => {
    const outcome = expectKind(
      await smtpProvider({ port: smtp.silentPort }).send(emailTo(uniqueAddress()), AbortSignal.timeout(300)),
      "unavailable",
    );
    expect(outcome.code).toBe("timeout");
    expect(outcome.message).toContain("greeting");
  });

  it("does not fall back to plaintext when STARTTLS is configured but not offered", async () => {
    const to = uniqueAddress();
    const outcome = expectKind(
      await smtpProvider({ security: "starttls" }).send(emailTo(to), AbortSignal.timeout(DEADLINE_MS)),
      "unavailable",
    );
    expect(outcome.code).toBe("starttls_unsupported");
    expect(outcome.message).toContain("does not offer STARTTLS");
    expect(await received(to)).toEqual([]);
  });

  it("fails over when the STARTTLS handshake fails (the test server's certificate is self-signed)", async () => {
    const to = uniqueAddress();
    const outcome = expectKind(
      await smtpProvider({ port: smtp.startTlsPort, security: "starttls" }).send(emailTo(to), AbortSignal.timeout(DEADLINE_MS)),
      "unavailable",
    );
    expect(outcome.code).toBe("tls_failed");
    expect(outcome.message).toContain("STARTTLS failed");
    expect(await received(to)).toEqual([]);
  });

  it("fails over when implicit TLS meets a plaintext server", async () => {
    const outcome = expectKind(
      await smtpProvider({ security: "tls" }).send(emailTo(uniqueAddress()), AbortSignal.timeout(DEADLINE_MS)),
      "unavailable",
    );
    expect(outcome.code).toBe("connection_failed");
    expect(outcome.message).toContain(`${smtp.host}:${smtp.port}: could not open a TLS connection`);
  });
});

describe("smtp check", () => {
  it("passes with the right credentials", async () => {
    const result = await smtpProvider().check(AbortSignal.timeout(DEADLINE_MS));
    expect(result).toEqual({ ok: true, message: `${smtp.host}:${smtp.port} accepted EHLO, AUTH PLAIN as ${smtp.username}` });
  });

  it("fails with a wrong password and does not reveal it", async () => {
    const wrongPassword = `wrong-${crypto.randomUUID()}`;
    const result = await smtpProvider({ password: wrongPassword }).check(AbortSignal.timeout(DEADLINE_MS));
    expect(result.ok).toBe(false);
    expect(result.message).toContain("535");
    expect(result.message).not.toContain(wrongPassword);
  });

  it("fails when nothing listens", async () => {
    const result = await smtpProvider({ port: smtp.closedPort }).check(AbortSignal.timeout(DEADLINE_MS));
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`${smtp.host}:${smtp.closedPort}`);
  });

  it("fails when STARTTLS is required but not offered", async () => {
    const result = await smtpProvider({ security: "starttls" }).check(AbortSignal.timeout(DEADLINE_MS));
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("does not offer STARTTLS") });
  });
});
