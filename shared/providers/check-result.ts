import type { CheckResult } from "./provider";

/**
 * A provider test answers the tenant admin who chose the address, so it reports reachability in
 * fixed words and never echoes what an arbitrary host said (its status line or body): otherwise
 * the test is a probe that reads whatever answers at that address.
 */

/**
 * A failed TLS handshake (an untrusted, expired or misnamed certificate): the runtime names TLS,
 * or (workerd) reports only an "internal error" while a refused connection is "Network
 * connection lost." — so that one is reported as most likely TLS, in those words.
 */
const TLS_FAILURE = /\b(tls|ssl|certificate|handshake)\b|^internal error\b/i;

/** Why a check got no answer, in fixed words: the error's own text is only classified, never shown. */
export function unreachableCheck(signal: AbortSignal, error?: unknown): CheckResult {
  if (signal.aborted) return { ok: false, message: "unreachable: no answer in time" };
  if (error instanceof Error && TLS_FAILURE.test(error.message))
    return {
      ok: false,
      message:
        "unreachable: the connection failed, most likely in its TLS handshake (a certificate not trusted, expired or for another name)",
    };
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
