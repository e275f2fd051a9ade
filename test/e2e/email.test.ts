import { randomBytes } from "node:crypto";
import type { Email } from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeResend, startFakeResend } from "../support/node/fakes/fake-resend";
import { type FakeSes, startFakeSes } from "../support/node/fakes/fake-ses";
import { type FakeSmtp, startFakeSmtp } from "../support/node/fakes/fake-smtp";
import { addProvider } from "./harness/providers-setup";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Message = { id: string; status: string; providerId: string | null; lastError: string | null };

let stack: StackProcess;
let relay: RelayClient;
let resend: FakeResend;
let ses: FakeSes;
let smtp: FakeSmtp;
const creds = fakeCredentials();

/** A real-looking PDF's worth of every byte value, and a second, larger file. */
const PDF = randomBytes(40_000);
const CSV = Buffer.from("name,amount\nAda,42\nGrace,7\n", "utf8");

const teamEmail = (tag: string) => ({
  channel: "email",
  to: [`ada+${tag}@example.com`, `grace+${tag}@example.com`],
  cc: `linus+${tag}@example.com`,
  bcc: [`audit+${tag}@example.com`],
  replyTo: "Billing <billing@example.com>",
  subject: `Invoice ${tag}`,
  content: { html: "<p>Your invoice is attached.</p>", text: "Your invoice is attached." },
  headers: { "X-Invoice": tag, "List-Unsubscribe": "<https://example.com/unsubscribe>" },
  attachments: [
    { filename: "invoice.pdf", contentType: "application/pdf", content: PDF.toString("base64") },
    { filename: "lines.csv", contentType: "text/csv", content: CSV.toString("base64") },
  ],
});

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayClient(() => stack.credentials);
  [resend, ses, smtp] = await Promise.all([
    startFakeResend(creds.resend.apiKey, creds.resend.webhookSecret),
    startFakeSes(),
    startFakeSmtp(),
  ]);
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([resend?.close(), ses?.close(), smtp?.close()]);
});

async function onlyProvider(input: Parameters<typeof addProvider>[2]): Promise<string> {
  const listed = await relay.asAdmin<{ items: { id: string; channel: string; tenantId: string | null }[] }>(
    "GET",
    `/v1/providers?tenantId=${stack.credentials.tenantId}`,
  );
  for (const provider of listed.body.data.items.filter((p) => p.channel === "email" && p.tenantId))
    await relay.asAdmin("PATCH", `/v1/providers/${provider.id}`, { enabled: false });
  return addProvider(relay, stack.credentials.tenantId, { ...input, channel: "email" });
}

async function sendAndWait(tag: string, providerId: string): Promise<Message> {
  const accepted = await relay.asTenant<Message>("POST", "/v1/messages", teamEmail(tag));
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  return eventually(async () => {
    const read = (await relay.asTenant<Message>("GET", `/v1/messages/${accepted.body.data.id}`)).body.data;
    return read.status === "sent" || read.status === "delivered" ? read : undefined;
  }).then((message) => {
    expect(message.providerId).toBe(providerId);
    return message;
  });
}

/** What the recipients' mail clients see: addresses, reply-to, headers and the files' exact bytes; no bcc. */
function expectAsSent(parsed: Email, tag: string) {
  expect(parsed.to?.map((a) => a.address)).toEqual([`ada+${tag}@example.com`, `grace+${tag}@example.com`]);
  expect(parsed.cc?.map((a) => a.address)).toEqual([`linus+${tag}@example.com`]);
  expect(parsed.bcc).toBeUndefined();
  expect(parsed.replyTo).toEqual([{ name: "Billing", address: "billing@example.com" }]);
  expect(parsed.headers.find((h) => h.key === "x-invoice")?.value).toBe(tag);
  expect(parsed.subject).toBe(`Invoice ${tag}`);
  expect(parsed.attachments.map((a) => [a.filename, a.mimeType])).toEqual([
    ["invoice.pdf", "application/pdf"],
    ["lines.csv", "text/csv"],
  ]);
  expect(Buffer.from(parsed.attachments[0].content as ArrayBuffer).equals(PDF)).toBe(true);
  expect(Buffer.from(parsed.attachments[1].content as ArrayBuffer).equals(CSV)).toBe(true);
}

describe("email as teams send it, through the real stack to each email provider", () => {
  it("Resend gets every recipient, reply-to, the headers and the files' bytes", async () => {
    const providerId = await onlyProvider({
      type: "resend",
      name: "resend",
      config: { ...creds.resend, from: "Relay <relay@example.com>", baseUrl: resend.baseUrl },
    });
    const message = await sendAndWait("resend", providerId);
    const sent = resend.sends.find((s) => s.idempotencyKey === message.id);
    expect(sent).toMatchObject({
      to: ["ada+resend@example.com", "grace+resend@example.com"],
      cc: ["linus+resend@example.com"],
      bcc: ["audit+resend@example.com"],
      replyTo: ["Billing <billing@example.com>"],
      headers: { "X-Invoice": "resend", "List-Unsubscribe": "<https://example.com/unsubscribe>" },
    });
    expect(sent?.attachments?.map((a) => [a.filename, a.content_type])).toEqual([
      ["invoice.pdf", "application/pdf"],
      ["lines.csv", "text/csv"],
    ]);
    expect(Buffer.from(sent?.attachments?.[0].content ?? "", "base64").equals(PDF)).toBe(true);
    expect(Buffer.from(sent?.attachments?.[1].content ?? "", "base64").equals(CSV)).toBe(true);
  });

  it("SES gets a raw MIME message, with bcc in the envelope only", async () => {
    const providerId = await onlyProvider({
      type: "aws-ses",
      name: "ses",
      config: {
        accessKeyId: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`,
        secretAccessKey: randomBytes(20).toString("base64"),
        region: "eu-west-1",
        from: "relay@example.com",
        endpoint: ses.baseUrl,
      },
    });
    const message = await sendAndWait("ses", providerId);
    const sent = ses.sends.find((s) => s.raw?.includes(message.id));
    expect(sent?.destination).toEqual({
      ToAddresses: ["ada+ses@example.com", "grace+ses@example.com"],
      CcAddresses: ["linus+ses@example.com"],
      BccAddresses: ["audit+ses@example.com"],
    });
    expect(sent?.raw).not.toContain("audit+ses@");
    expectAsSent(sent?.parsed as Email, "ses");
  });

  it("SMTP gets RCPT TO for every recipient and one multipart/mixed message", async () => {
    const providerId = await onlyProvider({
      type: "smtp",
      name: "smtp",
      config: { host: smtp.host, port: smtp.port, security: "none", from: "relay@example.com" },
    });
    const message = await sendAndWait("smtp", providerId);
    const sent = smtp.sends.find((s) => s.messageId.includes(message.id));
    expect(sent?.to).toEqual(["ada+smtp@example.com", "grace+smtp@example.com", "linus+smtp@example.com", "audit+smtp@example.com"]);
    expect(sent?.raw).not.toContain("audit+smtp@");
    expectAsSent(sent?.parsed as Email, "smtp");
  });

  it("a header with CR/LF is refused in the standard envelope before anything is stored", async () => {
    const answer = await relay.asTenant<Message>("POST", "/v1/messages", {
      ...teamEmail("bad"),
      headers: { "X-Invoice": "a\r\nBcc: someone@example.com" },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, error: { code: "INVALID_INPUT" } });
  });
});
