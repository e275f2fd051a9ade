import { describe, expect, it } from "vitest";
import { smsSegments } from "../../shared/domain/sms-segments";

const a = (count: number) => "a".repeat(count);
const euro = (count: number) => "€".repeat(count);
const emoji = (count: number) => "😀".repeat(count);
const han = (count: number) => "你".repeat(count);

describe("SMS segments", () => {
  it.each([
    ["empty", "", "GSM-7", 0, 0],
    ["short GSM", "Hello", "GSM-7", 1, 5],
    ["accents of the GSM table stay GSM-7", "Ça coùta 5€? Ñ ü à", "GSM-7", 1, 19],
    ["û is not in the GSM table: the whole text goes UCS-2", "Ça coûte 5€? Ñ ü à", "UCS-2", 1, 18],
    ["160 GSM characters fit one SMS", a(160), "GSM-7", 1, 160],
    ["161 GSM characters need two parts of 153", a(161), "GSM-7", 2, 161],
    ["306 GSM characters are exactly two parts", a(306), "GSM-7", 2, 306],
    ["307 GSM characters need a third", a(307), "GSM-7", 3, 307],
    ["extension characters cost two septets: 80 € fit one SMS", euro(80), "GSM-7", 1, 160],
    ["81 € are 162 septets, two parts", euro(81), "GSM-7", 2, 162],
    ["an escape pair is never split across parts", `${a(152)}€${a(152)}`, "GSM-7", 3, 306],
    ["70 UCS-2 characters fit one SMS", han(70), "UCS-2", 1, 70],
    ["71 UCS-2 characters need two parts of 67", han(71), "UCS-2", 2, 71],
    ["134 UCS-2 characters are exactly two parts", han(134), "UCS-2", 2, 134],
    ["an emoji is two code units: 35 fit one SMS", emoji(35), "UCS-2", 1, 70],
    ["a surrogate pair is never split across parts", `${a(66)}${emoji(3)}`, "UCS-2", 2, 72],
    ["one non-GSM character turns the whole text UCS-2", `${a(100)}ç`, "UCS-2", 2, 101],
  ] as const)("%s", (_name, text, encoding, segments, units) => {
    expect(smsSegments(text)).toEqual({ encoding, segments, units });
  });
});
