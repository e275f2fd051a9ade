import type { MessageRow } from "../../shared/db/schema";
import type { EmailEnvelope } from "../../shared/domain/email-envelope";
import type { EmailAttachment, OutboundEmail } from "../../shared/providers/provider";
import { ByteBudget } from "./byte-budget";

/**
 * Attachment bytes read at once in an isolate, across its batches: a send holds a file several
 * times over (bytes, base64, the request or MIME text), and an isolate has 128 MB. One email at
 * the 10 MB limit always goes alone.
 */
export const ATTACHMENT_BUDGET_BYTES = 12 * 1024 * 1024;
const budget = new ByteBudget(ATTACHMENT_BUDGET_BYTES);

/**
 * - `plain`: nothing beyond one recipient and a body.
 * - `ready`: the email with its files read; `release` gives their bytes back to the budget after the send.
 * - `unreadable`: a file could not be read now (R2 failed, or the object is gone): the message waits for a retry.
 */
export type EmailLoad =
  | { kind: "plain" }
  | { kind: "ready"; email: OutboundEmail; release: () => void }
  | { kind: "unreadable"; reason: string };

/** Reads a message's attachments from R2 just before its send, within the isolate's budget. */
export function emailLoader(bucket: R2Bucket, bytes: ByteBudget = budget) {
  return async (row: MessageRow): Promise<EmailLoad> => {
    const envelope = row.email;
    if (!envelope) return { kind: "plain" };
    const release = await bytes.acquire(envelope.attachments.reduce((sum, file) => sum + file.size, 0));
    try {
      const attachments = await readAll(bucket, envelope);
      if (typeof attachments === "string") {
        release();
        return { kind: "unreadable", reason: attachments };
      }
      const { to, cc, bcc, replyTo, headers } = envelope;
      return { kind: "ready", email: { to, cc, bcc, replyTo, headers, attachments }, release };
    } catch (error) {
      release();
      return { kind: "unreadable", reason: `the attachments could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}

/** Every file's bytes, or why one is missing. */
async function readAll(bucket: R2Bucket, envelope: EmailEnvelope): Promise<EmailAttachment[] | string> {
  const files = await Promise.all(
    envelope.attachments.map(async (stored) => {
      const object = await bucket.get(stored.key);
      return object ? { stored, content: new Uint8Array(await object.arrayBuffer()) } : { stored, content: null };
    }),
  );
  const missing = files.find((file) => file.content === null);
  if (missing) return `the attachment ${missing.stored.filename} is missing from storage (${missing.stored.key})`;
  return files.map(({ stored, content }) => ({
    filename: stored.filename,
    contentType: stored.contentType,
    content: content ?? new Uint8Array(),
  }));
}
