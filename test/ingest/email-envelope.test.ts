import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { MAX_ATTACHMENT_BYTES, MAX_EMAIL_RECIPIENTS } from "../../shared/domain/email-envelope";
import { messageRequestSchema } from "../../shared/domain/message-request";
import { bytesToBase64 } from "../../shared/encoding/bytes";
import {
  type ApiAnswer,
  call,
  callApp,
  countRows,
  detailPaths,
  downQueue,
  email,
  expectErrorEnvelope,
  freshTenant,
  type TenantFixture,
} from "../support/api";

type Envelope = {
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; size: number }[];
};
type Message = { id: string; to: string; email: Envelope | null };

const PDF = Uint8Array.from({ length: 2048 }, (_, index) => (index * 13) % 256);
const NOTES = new TextEncoder().encode("meeting notes");

const teamEmail = (overrides: Record<string, unknown> = {}) =>
  email({
    to: ["ada@example.com", "grace@example.com"],
    cc: "linus@example.com",
    bcc: ["audit@example.com"],
    replyTo: "Support <help@example.com>",
    headers: { "X-Campaign": "spring", "List-Unsubscribe": "<https://example.com/u/1>" },
    attachments: [
      { filename: "invoice.pdf", contentType: "application/pdf", content: bytesToBase64(PDF) },
      { filename: "notes.txt", content: bytesToBase64(NOTES) },
    ],
    ...overrides,
  });

const send = (tenant: TenantFixture, body: unknown, headers?: Record<string, string>) =>
  call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body, headers });

function expectInvalid(answer: ApiAnswer<unknown>, ...paths: string[]) {
  expectErrorEnvelope(answer, 400, "INVALID_INPUT");
  expect([...new Set(detailPaths(answer))].sort()).toEqual([...paths].sort());
}

async function storedRow(id: string) {
  const row = await database(env.DB).query.messages.findFirst({ where: (m, { eq }) => eq(m.id, id) });
  if (!row) throw new Error(`no message ${id}`);
  return row;
}

async function objectBytes(key: string): Promise<Uint8Array | null> {
  const object = await env.ATTACHMENTS.get(key);
  return object ? new Uint8Array(await object.arrayBuffer()) : null;
}

const attachmentObjects = async (tenantId: string) => (await env.ATTACHMENTS.list({ prefix: `${tenantId}/` })).objects.length;

describe("POST /v1/messages — email as teams send it", () => {
  it("accepts several to, cc, bcc, reply-to, headers and files; the files go to R2, the message names them", async () => {
    const tenant = await freshTenant();
    const answer = await send(tenant, teamEmail());
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const view = answer.body.data;
    expect(view.to).toBe("ada@example.com");
    expect(view.email).toEqual({
      to: ["ada@example.com", "grace@example.com"],
      cc: ["linus@example.com"],
      bcc: ["audit@example.com"],
      replyTo: ["Support <help@example.com>"],
      headers: { "X-Campaign": "spring", "List-Unsubscribe": "<https://example.com/u/1>" },
      attachments: [
        { filename: "invoice.pdf", contentType: "application/pdf", size: PDF.byteLength },
        { filename: "notes.txt", contentType: "application/octet-stream", size: NOTES.byteLength },
      ],
    });

    const row = await storedRow(view.id);
    const keys = row.email?.attachments.map((file) => file.key) ?? [];
    expect(keys).toEqual([`${tenant.tenantId}/${view.id}/0`, `${tenant.tenantId}/${view.id}/1`]);
    expect(await objectBytes(keys[0])).toEqual(PDF);
    expect(await objectBytes(keys[1])).toEqual(NOTES);
    // D1 and the queue hold the key only, never the bytes.
    expect(JSON.stringify(row)).not.toContain(bytesToBase64(NOTES));

    const read = await call<Message>("GET", `/v1/messages/${view.id}`, { key: tenant.readKey });
    expect(read.body.data.email).toEqual(view.email);
  });

  it("keeps a plain email plain: one to, no envelope, nothing in R2", async () => {
    const tenant = await freshTenant();
    const answer = await send(tenant, email());
    expect(answer.status).toBe(202);
    expect(answer.body.data.email).toBeNull();
    expect(await attachmentObjects(tenant.tenantId)).toBe(0);
  });

  it("sends a template with cc and a file: rendered as before, the envelope kept", async () => {
    const tenant = await freshTenant();
    const created = await call<{ id: string }>("POST", "/v1/templates", {
      key: tenant.adminKey,
      body: { name: "invoice", channel: "email", content: { subject: "Invoice for {{ name }}", html: "<p>Hi {{ name }}</p>" } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { subject: _subject, content: _content, ...rest } = teamEmail({ template: { id: created.body.data.id, data: { name: "Ada" } } });
    const answer = await send(tenant, rest);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const row = await storedRow(answer.body.data.id);
    expect(row.subject).toBe("Invoice for Ada");
    expect(row.email?.cc).toEqual(["linus@example.com"]);
    expect(row.email?.attachments).toHaveLength(2);
  });
});

describe("POST /v1/messages — email fields refused in the standard envelope, nothing stored", () => {
  it("a header value with CR or LF, naming the header", async () => {
    const tenant = await freshTenant();
    for (const value of ["a\r\nBcc: victim@example.com", "a\nb", "a\rb", "nul\u0000"])
      expectInvalid(await send(tenant, teamEmail({ headers: { "X-Note": value } })), "headers.X-Note");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
    expect(await attachmentObjects(tenant.tenantId)).toBe(0);
  });

  it("a header Relay sets itself, in any case, and a malformed header name", async () => {
    const tenant = await freshTenant();
    for (const name of ["Subject", "bcc", "FROM", "Content-Type", "Message-ID", "Reply-To"])
      expectInvalid(await send(tenant, teamEmail({ headers: { [name]: "x" } })), `headers.${name}`);
    for (const name of ["Bad Name", "Colon:Name", "Ünicode"])
      expectInvalid(await send(tenant, teamEmail({ headers: { [name]: "x" } })), `headers.${name}`);
    expectInvalid(await send(tenant, teamEmail({ headers: { "X-Same": "1", "x-same": "2" } })), "headers");
  });

  it("bad addresses in to, cc, bcc and replyTo; more than 50 recipients in all", async () => {
    const tenant = await freshTenant();
    expectInvalid(await send(tenant, teamEmail({ to: ["ok@example.com", "not-an-address"] })), "to.1");
    expectInvalid(await send(tenant, teamEmail({ cc: ["x@example.com", "nope"] })), "cc.1");
    expectInvalid(await send(tenant, teamEmail({ bcc: "bad@" })), "bcc");
    expectInvalid(await send(tenant, teamEmail({ replyTo: "Name <nope>" })), "replyTo");
    expectInvalid(await send(tenant, teamEmail({ to: [] })), "to");
    const many = Array.from({ length: MAX_EMAIL_RECIPIENTS }, (_, index) => `r${index}@example.com`);
    expectInvalid(await send(tenant, teamEmail({ to: many.slice(0, 30), cc: many.slice(30), bcc: ["one-more@example.com"] })), "to");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("attachments that are not base64, have a bad name or type, or are too many", async () => {
    const tenant = await freshTenant();
    const file = { filename: "a.txt", content: bytesToBase64(NOTES) };
    expectInvalid(await send(tenant, teamEmail({ attachments: [{ ...file, content: "not base64!" }] })), "attachments.0.content");
    expectInvalid(await send(tenant, teamEmail({ attachments: [file, { ...file, content: "QUJD" + "=" }] })), "attachments.1.content");
    for (const filename of ["../etc/passwd", 'quote".txt', "line\r\nbreak.txt", ""])
      expectInvalid(await send(tenant, teamEmail({ attachments: [{ ...file, filename }] })), "attachments.0.filename");
    expectInvalid(await send(tenant, teamEmail({ attachments: [{ ...file, contentType: "pdf" }] })), "attachments.0.contentType");
    expectInvalid(await send(tenant, teamEmail({ attachments: Array.from({ length: 11 }, () => file) })), "attachments");
    expectInvalid(await send(tenant, teamEmail({ attachments: [{ ...file, extra: 1 }] })), "attachments.0.extra");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
    expect(await attachmentObjects(tenant.tenantId)).toBe(0);
  });

  it("attachments only on email", async () => {
    const tenant = await freshTenant();
    const sms = { channel: "sms", to: "+14155550100", content: { text: "hi" }, attachments: [{ filename: "a.txt", content: "QUJD" }] };
    expectInvalid(await send(tenant, sms), "attachments");
  });

  it(`files over ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB in all, counted decoded`, () => {
    const half = "A".repeat(Math.ceil(MAX_ATTACHMENT_BYTES / 2 / 3) * 4);
    const request = teamEmail({
      attachments: [
        { filename: "a.bin", content: half },
        { filename: "b.bin", content: `${half}QUJD` },
      ],
    });
    const result = messageRequestSchema.safeParse(request);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["attachments", expect.stringContaining(`at most ${MAX_ATTACHMENT_BYTES} in all`)],
    ]);
    expect(messageRequestSchema.safeParse(teamEmail({ attachments: [{ filename: "a.bin", content: half }] })).success).toBe(true);
  });
});

describe("attachments and the idempotency key", () => {
  it("the same key with other files is a mismatch; with the same files it replays, storing nothing new", async () => {
    const tenant = await freshTenant();
    const headers = { "idempotency-key": `files-${crypto.randomUUID()}` };
    const first = await send(tenant, teamEmail(), headers);
    expect(first.status).toBe(202);
    const replay = await send(tenant, teamEmail(), headers);
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.data.id).toBe(first.body.data.id);
    const otherFile = teamEmail({ attachments: [{ filename: "invoice.pdf", content: bytesToBase64(NOTES) }] });
    expectErrorEnvelope(await send(tenant, otherFile, headers), 422, "IDEMPOTENCY_MISMATCH");
    const otherBcc = teamEmail({ bcc: "someone-else@example.com" });
    expectErrorEnvelope(await send(tenant, otherBcc, headers), 422, "IDEMPOTENCY_MISMATCH");
    expect(await attachmentObjects(tenant.tenantId)).toBe(2);
  });
});

describe("an acceptance undone takes its files with it", () => {
  it("the queue refuses: 503, no message, no object left in R2", async () => {
    const tenant = await freshTenant();
    const answer = await callApp<Message>({ DELIVERY_QUEUE: downQueue() }, "POST", "/v1/messages", {
      key: tenant.sendKey,
      body: teamEmail(),
    });
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
    expect(await attachmentObjects(tenant.tenantId)).toBe(0);
  });

  it("R2 refuses: 503, nothing accepted", async () => {
    const tenant = await freshTenant();
    const failingBucket = {
      put: async () => {
        throw new Error("R2 down");
      },
      delete: async () => undefined,
    } as unknown as R2Bucket;
    const answer = await callApp<Message>({ ATTACHMENTS: failingBucket }, "POST", "/v1/messages", {
      key: tenant.sendKey,
      body: teamEmail(),
    });
    expectErrorEnvelope(answer, 503, "SERVICE_UNAVAILABLE");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });
});
