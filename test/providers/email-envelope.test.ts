import PostalMime, { type Email } from "postal-mime";
import { describe, expect, inject, it } from "vitest";
import { base64ToBytes, bytesToBase64 } from "../../shared/encoding/bytes";
import type { OutboundEmail, OutboundMessage } from "../../shared/providers/provider";
import { providerFor } from "../../shared/providers/provider-factory";
import type { RecordedMessage } from "../support/provided-context";
import { emailMessage, fakeSecret, LOCAL_OUTBOUND, patience, randomHex } from "./fixtures";
import { answering, type Scenario, throughPrism } from "./scenario";

/** Every byte value, so an encoding that mangles any of them shows. */
const BINARY = Uint8Array.from({ length: 3000 }, (_, index) => (index * 7) % 256);
const NOTES = new TextEncoder().encode("Grüße\r\nline two\n");

function envelope(domain: string): OutboundEmail {
  return {
    to: [`ada@${domain}`, `grace@${domain}`],
    cc: [`linus@${domain}`],
    bcc: [`hidden@${domain}`],
    replyTo: ["Support Desk <help@relay.test>"],
    headers: { "X-Campaign": "spring-sale", "List-Unsubscribe": "<https://relay.test/unsubscribe/42>" },
    attachments: [
      { filename: "invoice 42.pdf", contentType: "application/pdf", content: BINARY },
      { filename: "notizen-ü.txt", contentType: "text/plain", content: NOTES },
    ],
  };
}

function withEnvelope(email: OutboundEmail, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return emailMessage({ to: email.to[0], email, ...overrides });
}

async function onlyRequest(server: Scenario) {
  const requests = await server.requests();
  expect(requests).toHaveLength(1);
  return requests[0];
}

/** What a mail client would see: recipients, reply-to, the custom headers and each file's bytes. */
function expectReadable(parsed: Email, email: OutboundEmail) {
  expect(parsed.to?.map((address) => address.address)).toEqual(email.to);
  expect(parsed.cc?.map((address) => address.address)).toEqual(email.cc);
  expect(parsed.bcc).toBeUndefined();
  expect(parsed.replyTo).toEqual([{ name: "Support Desk", address: "help@relay.test" }]);
  const header = (name: string) => parsed.headers.find((h) => h.key === name.toLowerCase())?.value;
  expect(header("X-Campaign")).toBe("spring-sale");
  expect(header("List-Unsubscribe")).toBe("<https://relay.test/unsubscribe/42>");
  expect(parsed.text?.trimEnd()).toBe("Hello");
  expect(parsed.html?.trimEnd()).toBe("<p>Hello</p>");
  expect(parsed.attachments.map((file) => [file.filename, file.mimeType])).toEqual([
    ["invoice 42.pdf", "application/pdf"],
    ["notizen-ü.txt", "text/plain"],
  ]);
  expect(new Uint8Array(parsed.attachments[0].content as ArrayBuffer)).toEqual(BINARY);
  expect(new Uint8Array(parsed.attachments[1].content as ArrayBuffer)).toEqual(NOTES);
}

function expectWellFormed(raw: string) {
  expect(Math.max(...raw.split("\r\n").map((line) => line.length))).toBeLessThanOrEqual(998);
  expect(raw).not.toMatch(/^Bcc:/im);
  expect(raw).not.toContain("hidden@");
}

describe("resend: several recipients, cc, bcc, reply-to, headers and attachments", () => {
  it("sends Resend's own fields, in a request Prism finds valid per the spec", async () => {
    const server = await throughPrism("resend");
    const provider = providerFor(
      "resend",
      "prv_resend_env",
      { apiKey: fakeSecret("re_"), from: "Relay <sender@relay.test>", baseUrl: server.baseUrl },
      { outbound: LOCAL_OUTBOUND },
    );
    const email = envelope("example.com");
    const outcome = await provider.send(withEnvelope(email), patience());

    const request = await onlyRequest(server);
    expect(request.upstreamStatus).toBe(200);
    expect(outcome.kind).toBe("sent");
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      to: email.to,
      cc: email.cc,
      bcc: email.bcc,
      reply_to: email.replyTo,
      headers: email.headers,
    });
    expect(body.attachments.map((file: { filename: string; content_type: string }) => [file.filename, file.content_type])).toEqual([
      ["invoice 42.pdf", "application/pdf"],
      ["notizen-ü.txt", "text/plain"],
    ]);
    expect(base64ToBytes(body.attachments[0].content)).toEqual(BINARY);
    expect(base64ToBytes(body.attachments[1].content)).toEqual(NOTES);
  });

  it("leaves every field out for a plain email", async () => {
    const server = await answering("POST /emails", { status: 200, body: { id: "e-1" } });
    const provider = providerFor(
      "resend",
      "prv_resend_plain",
      { apiKey: fakeSecret("re_"), from: "a@relay.test", baseUrl: server.baseUrl },
      {
        outbound: LOCAL_OUTBOUND,
      },
    );
    await provider.send(emailMessage(), patience());
    expect(Object.keys(JSON.parse((await onlyRequest(server)).body)).sort()).toEqual(["from", "html", "subject", "text", "to"]);
  });
});

describe("ses: the whole MIME message when there are headers or attachments", () => {
  const SEND = "POST /v2/email/outbound-emails";
  const ses = (endpoint: string) =>
    providerFor(
      "aws-ses",
      "prv_ses_env",
      {
        accessKeyId: `AKIATEST${randomHex(6).toUpperCase()}`,
        secretAccessKey: fakeSecret(),
        region: "eu-west-1",
        from: "sender@relay.test",
        endpoint,
      },
      { outbound: LOCAL_OUTBOUND },
    );

  it("posts Content.Raw with every recipient (bcc too) in Destination, and bcc nowhere in the message", async () => {
    const server = await answering(SEND, { status: 200, body: { MessageId: "ses-raw-1" } });
    const email = envelope("example.com");
    const message = withEnvelope(email);
    expect(await ses(server.baseUrl).send(message, patience())).toEqual({ kind: "sent", providerMessageId: "ses-raw-1" });

    const body = JSON.parse((await onlyRequest(server)).body);
    expect(body.Destination).toEqual({ ToAddresses: email.to, CcAddresses: email.cc, BccAddresses: email.bcc });
    expect(body.FromEmailAddress).toBe("sender@relay.test");
    expect(body.Content.Simple).toBeUndefined();
    const raw = new TextDecoder().decode(base64ToBytes(body.Content.Raw.Data) ?? new Uint8Array());
    expectWellFormed(raw);
    expect(raw).toMatch(/^Content-Type: multipart\/mixed;/m);
    const parsed = await PostalMime.parse(raw);
    expect(parsed.messageId).toContain(message.id);
    expectReadable(parsed, email);
  });

  it("keeps Simple content for cc, bcc and reply-to alone, with SES's own fields", async () => {
    const server = await answering(SEND, { status: 200, body: { MessageId: "ses-simple-1" } });
    const email: OutboundEmail = { ...envelope("example.com"), headers: {}, attachments: [] };
    await ses(server.baseUrl).send(withEnvelope(email), patience());
    const body = JSON.parse((await onlyRequest(server)).body);
    expect(body.Destination).toEqual({ ToAddresses: email.to, CcAddresses: email.cc, BccAddresses: email.bcc });
    expect(body.ReplyToAddresses).toEqual(email.replyTo);
    expect(body.Content.Simple.Subject.Data).toBe("Welcome");
  });
});

describe("smtp: one envelope for every recipient, one multipart/mixed message", () => {
  const smtp = inject("smtp");
  const provider = () =>
    providerFor(
      "smtp",
      "prv_smtp_env",
      {
        host: smtp.host,
        port: smtp.port,
        security: "none",
        username: smtp.username,
        password: smtp.password,
        from: "Relay Tests <sender@relay.test>",
      },
      { outbound: LOCAL_OUTBOUND },
    );

  it("gives RCPT TO for to, cc and bcc, and writes no Bcc header", async () => {
    const domain = `inbox-${randomHex(4)}.test`;
    const email = envelope(domain);
    const outcome = await provider().send(withEnvelope(email), AbortSignal.timeout(5_000));
    expect(outcome.kind, JSON.stringify(outcome)).toBe("sent");

    const response = await fetch(`${smtp.inboxUrl}?to=${encodeURIComponent(email.to[0])}`);
    const [recorded, ...others] = (await response.json()) as RecordedMessage[];
    expect(others).toEqual([]);
    expect(recorded.envelope.to).toEqual([...email.to, ...email.cc, ...email.bcc]);
    expectWellFormed(recorded.raw);
    expectReadable(await PostalMime.parse(recorded.raw), email);
  });

  it("sends a large attachment intact, in base64 lines of 76 characters", async () => {
    const domain = `inbox-${randomHex(4)}.test`;
    const big = Uint8Array.from({ length: 300_000 }, (_, index) => (index * 31 + (index >> 8)) % 256);
    const email: OutboundEmail = {
      to: [`big@${domain}`],
      cc: [],
      bcc: [],
      replyTo: [],
      headers: {},
      attachments: [{ filename: "data.bin", contentType: "application/octet-stream", content: big }],
    };
    // A functional check, not a timing one: a loaded machine gets all the time it needs.
    expect((await provider().send(withEnvelope(email), AbortSignal.timeout(60_000))).kind).toBe("sent");
    const response = await fetch(`${smtp.inboxUrl}?to=${encodeURIComponent(email.to[0])}`);
    const [recorded] = (await response.json()) as RecordedMessage[];
    const lines = recorded.raw.split("\r\n");
    const encoded = bytesToBase64(big);
    expect(lines).toContain(encoded.slice(0, 76));
    const parsed = await PostalMime.parse(recorded.raw);
    expect(new Uint8Array(parsed.attachments[0].content as ArrayBuffer)).toEqual(big);
  }, 90_000);
});
