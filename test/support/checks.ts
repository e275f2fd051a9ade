import { expect } from "vitest";
import { type ApiAnswer, detailPaths, expectErrorEnvelope } from "./api";

/** An INVALID_INPUT answer in the error envelope; with `path`, its details name that field. */
export function expectInvalid(answer: ApiAnswer<unknown>, path?: string): void {
  expectErrorEnvelope(answer, 400, "INVALID_INPUT");
  if (path !== undefined) expect(detailPaths(answer)).toContain(path);
}

/** A random hex string: secrets in tests are made at run time, never written down. */
export function randomHex(bytes = 16): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
