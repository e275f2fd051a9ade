import type { CheckResult } from "./provider";

/**
 * A provider test answers the tenant admin who chose the address, so it reports reachability in
 * fixed words and never echoes what an arbitrary host said (its status line or body): otherwise
 * the test is a probe that reads whatever answers at that address.
 */

export function unreachableCheck(signal: AbortSignal): CheckResult {
  if (signal.aborted) return { ok: false, message: "unreachable: no answer in time" };
  return { ok: false, message: "unreachable: could not connect" };
}

/** An answer that is not the provider API's: a redirect (never followed) or anything else unexpected. */
export function unexpectedAnswer(status: number, provider: string): CheckResult {
  if (status >= 300 && status < 400)
    return { ok: false, message: "unreachable: the address redirects elsewhere (redirects are not followed)" };
  return { ok: false, message: `reachable, but it did not answer as the ${provider} API does` };
}

/** The provider's own refusal of the credentials, with its error name when it is a plain identifier. */
export function credentialsRefused(status: number, provider: string, code?: string): CheckResult {
  const name = code && /^[A-Za-z_]{1,64}$/.test(code) ? ` ${code}` : "";
  return { ok: false, message: `reachable, but ${provider} refused the credentials (${status}${name})` };
}

export const isAuthRefusal = (status: number) => status === 401 || status === 403;
