const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
/** A run of 7 or more digits, allowing the usual separators and a leading +. */
const PHONE = /\+?\d(?:[\s().-]*\d){6,}/g;

/** Phone numbers and email addresses replaced before text leaves for a model. */
export function redacted(text: string): string {
  return text.replace(EMAIL, "[email]").replace(PHONE, "[phone]");
}
