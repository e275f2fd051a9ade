import type { SendOutcome } from "./provider";

export type Unavailable = Extract<SendOutcome, { kind: "unavailable" }>;
export type Rejected = Extract<SendOutcome, { kind: "rejected" }>;

const MAX_MESSAGE_LENGTH = 500;

export function clip(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

export function unavailable(code: string | undefined, message: string, retryAfterSeconds?: number): Unavailable {
  return retryAfterSeconds === undefined
    ? { kind: "unavailable", code, message: clip(message) }
    : { kind: "unavailable", code, message: clip(message), retryAfterSeconds };
}

export function rejected(code: string | undefined, message: string): Rejected {
  return { kind: "rejected", code, message: clip(message) };
}

function isTimeout(reason: unknown): boolean {
  return typeof reason === "object" && reason !== null && "name" in reason && reason.name === "TimeoutError";
}

/** A request that got no answer: the signal fired (a timeout) or the network failed. Never the provider's verdict. */
export function unreachable(error: unknown, signal: AbortSignal): Unavailable {
  if (signal.aborted) {
    return isTimeout(signal.reason)
      ? unavailable("timeout", "the provider did not answer in time")
      : unavailable("aborted", "the request to the provider was aborted");
  }
  const detail = error instanceof Error ? error.message : String(error);
  return unavailable("network_error", `could not reach the provider: ${detail}`);
}

/**
 * Statuses that say the provider (or our account with it) is at fault, not the message:
 * redirects (a wrong base URL), bad credentials, timeouts, rate limits, server errors.
 */
export function isProviderFaultStatus(status: number): boolean {
  return status < 400 || status >= 500 || status === 401 || status === 403 || status === 408 || status === 429;
}

/** `Retry-After` as seconds: either a number of seconds or an HTTP date. */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
