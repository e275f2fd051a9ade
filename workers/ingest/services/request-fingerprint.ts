import { sha256Hex } from "../../../shared/crypto/sha256";

/** Key order and whitespace do not make two requests different. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  return value;
}

export function requestFingerprint(route: string, body: unknown): Promise<string> {
  return sha256Hex(`${route}\n${JSON.stringify(canonical(body))}`);
}
