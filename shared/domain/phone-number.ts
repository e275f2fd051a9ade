import { type PhoneNumber, parsePhoneNumberFromString } from "libphonenumber-js/min";

function parse(input: string): PhoneNumber | undefined {
  const trimmed = input.trim().replace(/^00/, "+");
  if (!trimmed.startsWith("+")) return undefined;
  return parsePhoneNumberFromString(trimmed);
}

/**
 * `+1 (415) 555-0100` → `+14155550100`; null when it cannot be a phone number anywhere, or when
 * it has an extension: an SMS cannot dial one, and dropping it would text another line.
 */
export function toE164(input: string): string | null {
  const parsed = parse(input);
  return parsed?.isPossible() && !parsed.ext ? parsed.number : null;
}

/** The extension of a number (`ext 5`, `x5`, `;ext=5`, `#5`), so a refusal can say why. */
export function phoneExtension(input: string): string | undefined {
  return parse(input)?.ext;
}
