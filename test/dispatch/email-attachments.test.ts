import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MessageRow } from "../../shared/db/schema";
import { suppression } from "../../shared/db/suppression";
import { attachmentKey, type EmailEnvelope } from "../../shared/domain/email-envelope";
import { newId } from "../../shared/domain/ids";
import { archiveTick, startRun } from "../../workers/dispatch/archive/archive-runs";
import { ByteBudget } from "../../workers/dispatch/byte-budget";
import { emailLoader } from "../../workers/dispatch/email-attachments";
import { withoutSuppressedCopies } from "../../workers/dispatch/suppressed-copies";
import { daysAgo, oldMessage } from "../support/archive-fixtures";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

const BYTES = Uint8Array.from({ length: 500 }, (_, index) => (index * 3) % 256);

async function emailWithFile(tenantId: string, overrides: Partial<MessageRow> = {}, store = true) {
  const id = newId("message");
  const key = attachmentKey(tenantId, id, 0);
  const email: EmailEnvelope = {
    to: ["ada@example.com", "grace@example.com"],
    cc: [],
    bcc: ["audit@example.com"],
    replyTo: [],
    headers: { "X-Campaign": "spring" },
    attachments: [{ key, filename: "report.pdf", contentType: "application/pdf", size: BYTES.byteLength }],
  };
  if (store) await env.ATTACHMENTS.put(key, BYTES);
  const row = await queuedMessage(tenantId, {
    id,
    channel: "email",
    recipient: "ada@example.com",
    subject: "Report",
    content: { text: "attached" },
    email,
    ...overrides,
  });
  return { row, key };
}

describe("dispatch reads an email's files from R2 to send it", () => {
  it("loads every recipient, header and file's bytes for the adapter", async () => {
    const tenantId = await newTenant();
    const { row } = await emailWithFile(tenantId);
    const load = await emailLoader(env.ATTACHMENTS)(row);
    if (load.kind !== "ready") throw new Error(`not ready: ${JSON.stringify(load)}`);
    expect(load.email).toMatchObject({ to: row.email?.to, bcc: ["audit@example.com"], headers: { "X-Campaign": "spring" } });
    expect(load.email.attachments).toEqual([{ filename: "report.pdf", contentType: "application/pdf", content: BYTES }]);
    load.release();
    expect(await emailLoader(env.ATTACHMENTS)({ ...row, email: null })).toEqual({ kind: "plain" });
  });

  it("sends an email with files through its provider", async () => {
    const tenantId = await newTenant();
    const provider = await addProvider({ tenantId, channel: "email" });
    const { row } = await emailWithFile(tenantId);
    await consume(batchOf([row]));
    expect(await messageRow(row.id)).toMatchObject({ status: "sent", providerId: provider });
  });

  it("a file gone from storage: no provider is called, the message waits for a retry and says why", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId, channel: "email" });
    const { row } = await emailWithFile(tenantId, {}, false);
    const result = await consume(batchOf([row]));
    expect(result.retryMessages).toHaveLength(1);
    const after = await messageRow(row.id);
    expect(after.status).toBe("sending");
    expect(after.lastError).toContain("the attachment report.pdf is missing from storage");
    const events = await eventsOf(row.id);
    expect(events.filter((event) => event.providerId !== null && event.status === "sent")).toEqual([]);
    expect(events.at(-1)?.reason).toContain("report.pdf is missing");
  });
});

describe("the byte budget bounds the attachment bytes held at once", () => {
  it("lets sends within the budget run together, makes the next wait, and runs an oversized one alone", async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const releaseA = await budget.acquire(60);
    const releaseB = await budget.acquire(40);
    const waiting = budget.acquire(10).then((release) => {
      order.push("c");
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    releaseA();
    const releaseC = await waiting;
    expect(order).toEqual(["c"]);
    const huge = budget.acquire(500).then((release) => {
      order.push("huge");
      return release;
    });
    releaseB();
    await Promise.resolve();
    expect(order).toEqual(["c"]);
    releaseC();
    releaseC();
    (await huge)();
    expect(order).toEqual(["c", "huge"]);
    (await budget.acquire(100))();
  });
});

describe("the archive takes an email's files with it", () => {
  it("deletes the files of archived messages and keeps those of messages still in D1", async () => {
    const tenantId = await newTenant();
    const oldId = newId("message");
    const oldKey = attachmentKey(tenantId, oldId, 0);
    await env.ATTACHMENTS.put(oldKey, BYTES);
    const file = { key: oldKey, filename: "a.pdf", contentType: "application/pdf", size: BYTES.byteLength };
    await oldMessage(tenantId, 40, "delivered", {
      id: oldId,
      channel: "email",
      recipient: "ada@example.com",
      email: { to: ["ada@example.com"], cc: [], bcc: [], replyTo: [], headers: {}, attachments: [file] },
    });
    const { key: recentKey } = await emailWithFile(tenantId, { status: "delivered", createdAt: daysAgo(1), updatedAt: daysAgo(1) });

    await startRun(db(), { tenantId, before: daysAgo(30), requestedBy: "test" });
    await archiveTick({ db: db(), bucket: env.ARCHIVE, attachments: env.ATTACHMENTS, media: env.MEDIA }, 20_000);

    expect(await env.ATTACHMENTS.head(oldKey)).toBeNull();
    expect(await env.ATTACHMENTS.head(recentKey)).not.toBeNull();
  });
});

describe("an email's suppressed recipients are left out, the others still get it", () => {
  const suppress = (tenantId: string, address: string) =>
    suppression(db(), { tenantId, channel: "email", address, source: "bounce", reason: "hard bounce", at: new Date().toISOString() });

  it("sends to the rest and says who was left out", async () => {
    const tenantId = await newTenant();
    const provider = await addProvider({ tenantId, channel: "email" });
    await suppress(tenantId, "Grace@Example.com");
    await suppress(tenantId, "audit@example.com");
    const { row } = await emailWithFile(tenantId);
    await consume(batchOf([row]));
    expect(await messageRow(row.id)).toMatchObject({ status: "sent", providerId: provider });
    const reasons = (await eventsOf(row.id)).map((event) => event.reason);
    expect(reasons).toContain("recipient_opted_out: not sent to grace@example.com, audit@example.com; the other recipients are");
  });

  it("fails without a provider call when no `to` is left", async () => {
    const tenantId = await newTenant();
    await addProvider({ tenantId, channel: "email" });
    await suppress(tenantId, "ada@example.com");
    await suppress(tenantId, "grace@example.com");
    const { row } = await emailWithFile(tenantId);
    await consume(batchOf([row]));
    const after = await messageRow(row.id);
    expect(after).toMatchObject({ status: "failed", lastError: "recipient_opted_out", providerId: null });
    expect((await eventsOf(row.id)).at(-1)?.reason).toContain('every "to" recipient is suppressed');
  });

  it("takes the suppressed addresses out of to, cc and bcc, whatever their case", async () => {
    const tenantId = await newTenant();
    const { row } = await emailWithFile(tenantId, {}, false);
    const envelope = { ...(row.email as EmailEnvelope), cc: ["Linus@example.com"] };
    const kept = withoutSuppressedCopies({ ...row, email: envelope }, new Set(["grace@example.com", "linus@example.com"]));
    expect(kept.row.email).toMatchObject({ to: ["ada@example.com"], cc: [], bcc: ["audit@example.com"] });
    expect(kept.leftOut).toEqual(["grace@example.com", "Linus@example.com"]);
    expect(withoutSuppressedCopies(row, undefined)).toEqual({ row, leftOut: [] });
  });
});
