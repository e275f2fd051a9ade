import type { Mailbox } from "../../domain/mailbox";
import { bytesToBase64, bytesToHex } from "../../encoding/bytes";

/** Builds RFC 5322 / MIME messages: headers safe from injection, UTF-8 bodies as quoted-printable. */

export type MimeInput = {
  messageId: string;
  from: Mailbox;
  to: Mailbox;
  subject: string;
  text?: string;
  html?: string;
  date: Date;
};

const encoder = new TextEncoder();
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;
// Encoded words are at most 75 characters: "=?UTF-8?B?" + 60 base64 characters (45 bytes) + "?=".
const ENCODED_WORD_BYTES = 45;
const QP_LINE_CHARS = 76;

export function buildMimeMessage(input: MimeInput): string {
  const headers = [
    `From: ${formatMailbox(input.from)}`,
    `To: ${formatMailbox(input.to)}`,
    `Subject: ${encodeHeaderText(input.subject)}`,
    `Date: ${input.date.toUTCString().replace(/GMT$/, "+0000")}`,
    `Message-ID: <${input.messageId}>`,
    "MIME-Version: 1.0",
  ];
  const parts = [
    input.text === undefined ? null : textPart("text/plain", input.text),
    input.html === undefined ? null : textPart("text/html", input.html),
  ].filter((part): part is string => part !== null);
  if (parts.length === 1) return `${headers.join("\r\n")}\r\n${parts[0]}\r\n`;
  // "=_" never occurs in quoted-printable output, so the boundary cannot collide with a body.
  const boundary = `=_relay_${randomHex(12)}`;
  headers.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
  const body = parts.map((part) => `--${boundary}\r\n${part}\r\n`).join("");
  return `${headers.join("\r\n")}\r\n\r\n${body}--${boundary}--\r\n`;
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

function textPart(contentType: string, content: string): string {
  return [`Content-Type: ${contentType}; charset=UTF-8`, "Content-Transfer-Encoding: quoted-printable", "", quotedPrintable(content)].join(
    "\r\n",
  );
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
