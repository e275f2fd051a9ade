/**
 * The sender rule every email provider can honour: SMTP builds its envelope and headers from it,
 * and Resend and SES take the same forms. Ingest applies it at acceptance so that a message
 * is refused with a 400 instead of failing `invalid_sender` at dispatch.
 */
export type Mailbox = { address: string; displayName?: string };

// ASCII only: a non-ASCII address would need SMTPUTF8, which the SMTP client does not speak.
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;

/** `a@b.example` or `Name <a@b.example>`; null when it is neither or holds control characters. */
export function parseMailbox(value: string): Mailbox | null {
  const trimmed = value.trim();
  if (ADDRESS.test(trimmed)) return { address: trimmed };
  const named = /^(.*?)\s*<([^<>]*)>$/s.exec(trimmed);
  if (!named || !ADDRESS.test(named[2])) return null;
  const displayName = named[1].replace(/^"(.*)"$/s, "$1").trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(displayName)) return null;
  return displayName ? { address: named[2], displayName } : { address: named[2] };
}

/** Every value as a mailbox, or null if one is not. */
export function parseMailboxes(values: string[]): Mailbox[] | null {
  const parsed = values.map(parseMailbox);
  return parsed.every((mailbox): mailbox is Mailbox => mailbox !== null) ? parsed : null;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1);
}
