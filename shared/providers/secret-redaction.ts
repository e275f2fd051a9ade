import type { CheckResult, PriceLookup, SendOutcome } from "./provider";

const REDACTED = "[redacted]";

/** Removes the adapter's own secrets from text: a provider or proxy may echo back what it was sent. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let clean = text;
  for (const secret of secrets) if (secret) clean = clean.split(secret).join(REDACTED);
  return clean;
}

export function withoutSecrets<T extends SendOutcome | CheckResult | PriceLookup>(result: T, secrets: readonly (string | undefined)[]): T {
  if (!("message" in result)) return result;
  const code = "code" in result && typeof result.code === "string" ? { code: redact(result.code, secrets) } : {};
  return { ...result, ...code, message: redact(result.message, secrets) };
}
