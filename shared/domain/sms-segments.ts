/**
 * How many SMS segments a text costs: carriers bill per segment. GSM 03.38 text packs 160
 * septets into one SMS, 153 per part once concatenated (the UDH takes the rest); anything
 * outside the GSM alphabet goes as UCS-2: 70 code units, 67 per part. A character of the GSM
 * extension table costs two septets (escape + char) and an escape pair or a surrogate pair
 * is never split across parts, so a part may hold one unit less than its maximum.
 */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "^{}\\[~]|€\f";

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type SmsEncoding = "GSM-7" | "UCS-2";
export type SmsSegments = { encoding: SmsEncoding; segments: number; units: number };

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  "GSM-7": { single: 160, part: 153 },
  "UCS-2": { single: 70, part: 67 },
};

/** Each character's size in the encoding's units (septets, or UTF-16 code units). */
function unitSizes(text: string): { encoding: SmsEncoding; sizes: number[] } {
  const characters = Array.from(text);
  if (characters.every((character) => basic.has(character) || extension.has(character)))
    return { encoding: "GSM-7", sizes: characters.map((character) => (extension.has(character) ? 2 : 1)) };
  return { encoding: "UCS-2", sizes: characters.map((character) => character.length) };
}

export function smsSegments(text: string): SmsSegments {
  const { encoding, sizes } = unitSizes(text);
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const limits = LIMITS[encoding];
  if (units <= limits.single) return { encoding, segments: units === 0 ? 0 : 1, units };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limits.part) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding, segments, units };
}
