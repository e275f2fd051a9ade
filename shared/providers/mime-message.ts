import type { Mailbox } from "../domain/mailbox";
import { bytesToBase64, bytesToHex } from "../encoding/bytes";
import type { EmailAttachment } from "./provider";

/**
 * Builds RFC 5322 / MIME messages (SMTP's DATA, SES's raw message): headers safe from injection,
 * UTF-8 bodies as quoted-printable, files as base64 in multipart/mixed, names per RFC 2231.
 * Bcc recipients are never written: they are only in the envelope.
 */

export type MimeInput = {
  messageId: string;
  from: Mailbox;
  to: Mailbox[];
  cc?: Mailbox[];
  replyTo?: Mailbox[];
  subject: string;
  text?: string;
  html?: string;
  /** Custom headers, already refused at acceptance if they hold CR/LF or name a header written here. */
  headers?: Record<string, string>;
  attachments?: EmailAttachment[];
  date: Date;
};

const encoder = new TextEncoder();
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;
// Encoded words are at most 75 characters: "=?UTF-8?B?" + 60 base64 characters (45 bytes) + "?=".
const ENCODED_WORD_BYTES = 45;
const QP_LINE_CHARS = 76;
const BASE64_LINE_CHARS = 76;

export function buildMimeMessage(input: MimeInput): string {
  const headers = [
    `From: ${formatMailbox(input.from)}`,
    `To: ${formatMailboxes(input.to)}`,
    ...(input.cc?.length ? [`Cc: ${formatMailboxes(input.cc)}`] : []),
    ...(input.replyTo?.length ? [`Reply-To: ${formatMailboxes(input.replyTo)}`] : []),
    `Subject: ${encodeHeaderText(input.subject)}`,
    `Date: ${input.date.toUTCString().replace(/GMT$/, "+0000")}`,
    `Message-ID: <${input.messageId}>`,
    ...Object.entries(input.headers ?? {}).map(([name, value]) => `${name}: ${encodeHeaderText(value)}`),
    "MIME-Version: 1.0",
  ];
  const body = bodyPart(input);
  const files = input.attachments ?? [];
  const entity = files.length === 0 ? body : multipart("mixed", [body, ...files.map(attachmentPart)]);
  return `${headers.join("\r\n")}\r\n${entity}\r\n`;
}

/** The text and HTML bodies: one part, or both as multipart/alternative (plain text first). */
function bodyPart(input: MimeInput): string {
  const parts = [
    input.text === undefined ? null : textPart("text/plain", input.text),
    input.html === undefined ? null : textPart("text/html", input.html),
  ].filter((part): part is string => part !== null);
  return parts.length === 1 ? parts[0] : multipart("alternative", parts);
}

/** A part's headers, a blank line and its body. "=_" never occurs in quoted-printable or base64, so the boundary cannot collide with a body. */
function multipart(subtype: "alternative" | "mixed", parts: string[]): string {
  const boundary = `=_relay_${randomHex(12)}`;
  const body = parts.map((part) => `--${boundary}\r\n${part}\r\n`).join("");
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"\r\n\r\n${body}--${boundary}--`;
}

function attachmentPart(file: EmailAttachment): string {
  return [
    `Content-Type: ${file.contentType}; ${parameter("name", file.filename)}`,
    `Content-Disposition: attachment; ${parameter("filename", file.filename)}`,
    "Content-Transfer-Encoding: base64",
    "",
    wrapBase64(bytesToBase64(file.content)),
  ].join("\r\n");
}

/** `name="file.pdf"`, or for a name beyond printable ASCII RFC 2231's `name*=UTF-8''…` (file names were checked for quotes and control characters). */
function parameter(name: string, value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return `${name}="${value}"`;
  const encoded = Array.from(encoder.encode(value), (byte) =>
    /[A-Za-z0-9.\-_~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
  ).join("");
  return `${name}*=UTF-8''${encoded}`;
}

/** Base64 in lines of 76 characters (RFC 2045 §6.8). */
function wrapBase64(base64: string): string {
  const lines: string[] = [];
  for (let at = 0; at < base64.length; at += BASE64_LINE_CHARS) lines.push(base64.slice(at, at + BASE64_LINE_CHARS));
  return lines.join("\r\n");
}

/** Header text as is when it is short printable ASCII, otherwise as folded RFC 2047 encoded words. */
export function encodeHeaderText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text) && text.length <= 900 && !text.includes("=?")) return text;
  const words: string[] = [];
  let chunk: number[] = [];
  for (const character of text) {
    const bytes = Array.from(encoder.encode(character));
    if (chunk.length + bytes.length > ENCODED_WORD_BYTES) {
      words.push(encodedWord(chunk));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length > 0 || words.length === 0) words.push(encodedWord(chunk));
  return words.join("\r\n ");
}

export function quotedPrintable(text: string): string {
  return text.replace(/\r\n?/g, "\n").split("\n").map(quotedPrintableLine).join("\r\n");
}

function quotedPrintableLine(line: string): string {
  const bytes = encoder.encode(line);
  let output = "";
  let current = "";
  bytes.forEach((byte, index) => {
    const isLast = index === bytes.length - 1;
    const printable = byte >= 33 && byte <= 126 && byte !== 61;
    // Whitespace at the end of a line would be stripped in transit, so it is encoded there.
    const keptWhitespace = (byte === 32 || byte === 9) && !isLast;
    const token = printable || keptWhitespace ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    if (current.length + token.length > QP_LINE_CHARS - 1) {
      output += `${current}=\r\n`;
      current = "";
    }
    current += token;
  });
  return output + current;
}

function textPart(contentType: "text/plain" | "text/html", content: string): string {
  return [`Content-Type: ${contentType}; charset=UTF-8`, "Content-Transfer-Encoding: quoted-printable", "", quotedPrintable(content)].join(
    "\r\n",
  );
}

function formatMailboxes(mailboxes: Mailbox[]): string {
  return mailboxes.map(formatMailbox).join(",\r\n ");
}

function formatMailbox(mailbox: Mailbox): string {
  if (!mailbox.displayName) return mailbox.address;
  return `${formatPhrase(mailbox.displayName)} <${mailbox.address}>`;
}

function formatPhrase(phrase: string): string {
  if (ATOM_PHRASE.test(phrase)) return phrase;
  if (/^[\x20-\x7e]*$/.test(phrase) && !phrase.includes("=?")) return `"${phrase.replace(/["\\]/g, "\\$&")}"`;
  return encodeHeaderText(phrase);
}

function encodedWord(bytes: number[]): string {
  return `=?UTF-8?B?${bytesToBase64(Uint8Array.from(bytes))}?=`;
}

function randomHex(byteCount: number): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(byteCount)));
}
