import { z } from "zod";
import { parseMailbox } from "./mailbox";

/** Resend and SES both take at most 50 recipients (to, cc and bcc together) per email. */
export const MAX_EMAIL_RECIPIENTS = 50;
export const MAX_ATTACHMENTS = 10;
/** Decoded bytes of all of one email's attachments (the request carries them as base64, a third more). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_CUSTOM_HEADERS = 20;
const MAX_HEADER_VALUE_LENGTH = 900;

/**
 * Headers Relay writes from the message's own fields (`from`, `to`, `subject`, …), the MIME
 * structure it builds, or what the sending service stamps: a custom header may not replace them.
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set(
  [
    "bcc",
    "cc",
    "content-disposition",
    "content-id",
    "content-transfer-encoding",
    "content-type",
    "date",
    "dkim-signature",
    "from",
    "message-id",
    "mime-version",
    "received",
    "reply-to",
    "return-path",
    "sender",
    "subject",
    "to",
  ].map((name) => name.toLowerCase()),
);

const emailAddress = z.email().max(320);
const mailbox = z
  .string()
  .min(3)
  .max(320)
  .refine((value) => parseMailbox(value) !== null, "must be an email address, or a name and address: Name <reply@example.com>");

/** One address or a list of them; stored and sent as a list. */
export const recipientList = z.union([emailAddress, z.array(emailAddress).min(1).max(MAX_EMAIL_RECIPIENTS)]);
const replyToList = z.union([mailbox, z.array(mailbox).min(1).max(MAX_EMAIL_RECIPIENTS)]);

// RFC 5322 §2.2: a field name is printable ASCII except the colon.
const HEADER_NAME = /^[!-9;-~]{1,100}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (CR and LF above all) are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

const headerName = z
  .string()
  .regex(HEADER_NAME, "a header name is 1 to 100 printable ASCII characters without a colon or space")
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), "Relay sets this header itself; it cannot be given");
const headerValue = z
  .string()
  .max(MAX_HEADER_VALUE_LENGTH)
  .refine((value) => !CONTROL.test(value), "a header value holds no control characters (CR, LF, …)");

export const customHeadersSchema = z
  .record(headerName, headerValue)
  .refine((headers) => Object.keys(headers).length <= MAX_CUSTOM_HEADERS, `at most ${MAX_CUSTOM_HEADERS} headers`)
  .refine(
    (headers) => new Set(Object.keys(headers).map((name) => name.toLowerCase())).size === Object.keys(headers).length,
    "header names are case-insensitive: each may be given once",
  )
  .meta({ description: "Custom headers, e.g. `List-Unsubscribe`; no CR/LF, and none Relay sets itself (From, To, Subject, …)." });

// One character class, no groups: a group repeated over megabytes overflows the regex engine's stack.
const BASE64_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
const isPaddedBase64 = (value: string) => value.length % 4 === 0 && BASE64_ALPHABET.test(value);
// type/subtype (RFC 6838 names), no parameters.
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/** Decoded size of padded base64, without decoding it. */
export function base64DecodedBytes(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

export const attachmentSchema = z
  .strictObject({
    filename: z
      .string()
      .min(1)
      .max(255)
      .refine((name) => !CONTROL.test(name) && !/[/\\"]/.test(name) && name !== "." && name !== "..", {
        message: 'a file name without control characters, quotes or path separators (/ \\ ")',
      }),
    content: z
      .string()
      .min(4)
      .max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4)
      .refine(isPaddedBase64, "must be standard base64 (A–Z a–z 0–9 + /, padded with =)"),
    contentType: z.string().regex(MEDIA_TYPE, "a media type such as application/pdf").optional().meta({
      description: "Default application/octet-stream",
    }),
  })
  .meta({ id: "EmailAttachment", description: "A file, base64 in the request; stored in R2 until the message is archived." });
export type AttachmentRequest = z.infer<typeof attachmentSchema>;

/** The email fields beyond one recipient, as a request gives them. */
export const emailFields = {
  to: recipientList.meta({ description: `One address or a list; to, cc and bcc together at most ${MAX_EMAIL_RECIPIENTS}.` }),
  cc: recipientList.optional(),
  bcc: recipientList.optional(),
  replyTo: replyToList.optional(),
  headers: customHeadersSchema.optional(),
  attachments: z
    .array(attachmentSchema)
    .min(1)
    .max(MAX_ATTACHMENTS)
    .optional()
    .meta({ description: `At most ${MAX_ATTACHMENTS} files, together at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB decoded.` }),
};

type EmailFields = {
  to: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  replyTo?: string | string[];
  headers?: Record<string, string>;
  attachments?: AttachmentRequest[];
};

type Issue = { path: (string | number)[]; message: string };

export function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The message's own `to`: an email's first recipient (a push's, an SMS's only one). */
export function primaryRecipient(to: string | string[]): string {
  return Array.isArray(to) ? to[0] : to;
}

/** The rules across fields: the recipient total and the attachments' size. */
export function emailEnvelopeIssues(request: EmailFields): Issue[] {
  const issues: Issue[] = [];
  const recipients = listOf(request.to).length + listOf(request.cc).length + listOf(request.bcc).length;
  if (recipients > MAX_EMAIL_RECIPIENTS)
    issues.push({ path: ["to"], message: `${recipients} recipients in to, cc and bcc; an email has at most ${MAX_EMAIL_RECIPIENTS}` });
  const bytes = (request.attachments ?? []).reduce((sum, attachment) => sum + base64DecodedBytes(attachment.content), 0);
  if (bytes > MAX_ATTACHMENT_BYTES)
    issues.push({ path: ["attachments"], message: `the attachments come to ${bytes} bytes; at most ${MAX_ATTACHMENT_BYTES} in all` });
  return issues;
}

/** An attachment as the message stores it: its bytes are in R2 under `key`. */
export type StoredAttachment = { key: string; filename: string; contentType: string; size: number };

/** What an email has beyond one recipient and its body; null on a message that has none of it. */
export type EmailEnvelope = {
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  headers: Record<string, string>;
  attachments: StoredAttachment[];
};

export const DEFAULT_ATTACHMENT_TYPE = "application/octet-stream";

/** The R2 key of a message's n-th attachment: a message's files share its prefix. */
export function attachmentKey(tenantId: string, messageId: string, index: number): string {
  return `${tenantId}/${messageId}/${index}`;
}

/** The envelope a request makes, attachments keyed under the message; null when a single `to` is all there is. */
export function envelopeOf(request: EmailFields, tenantId: string, messageId: string): EmailEnvelope | null {
  const to = listOf(request.to);
  const cc = listOf(request.cc);
  const bcc = listOf(request.bcc);
  const replyTo = listOf(request.replyTo);
  const headers = request.headers ?? {};
  const attachments = (request.attachments ?? []).map((attachment, index) => ({
    key: attachmentKey(tenantId, messageId, index),
    filename: attachment.filename,
    contentType: attachment.contentType ?? DEFAULT_ATTACHMENT_TYPE,
    size: base64DecodedBytes(attachment.content),
  }));
  const plain = to.length === 1 && !cc.length && !bcc.length && !replyTo.length && !Object.keys(headers).length && !attachments.length;
  return plain ? null : { to, cc, bcc, replyTo, headers, attachments };
}

/** An envelope as the API shows it: the files without their storage keys. */
export function envelopeView(envelope: EmailEnvelope | null) {
  if (!envelope) return null;
  const { attachments, ...rest } = envelope;
  return { ...rest, attachments: attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })) };
}
