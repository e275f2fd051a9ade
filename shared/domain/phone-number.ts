import { parsePhoneNumberFromString } from "libphonenumber-js/min";

/** `+1 (415) 555-0100` → `+14155550100`; null when it cannot be a phone number anywhere. */
export function toE164(input: string): string | null {
  const trimmed = input.trim().replace(/^00/, "+");
  if (!trimmed.startsWith("+")) return null;
  const parsed = parsePhoneNumberFromString(trimmed);
  return parsed?.isPossible() ? parsed.number : null;
}
