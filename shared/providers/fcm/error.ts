import { isProviderFaultStatus, rejected, retryAfterSeconds, unavailable } from "../http-outcome";
import type { SendOutcome } from "../provider";

type FcmErrorBody = {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { "@type"?: string; errorCode?: string; fieldViolations?: { field?: string; description?: string }[] }[];
  };
};

/** FCM's own error code (`UNREGISTERED`, `QUOTA_EXCEEDED`, …) where it gives one, else the RPC status. */
function errorCodeOf(body: FcmErrorBody): string | undefined {
  const fcm = body.error?.details?.find((d) => d["@type"]?.endsWith("google.firebase.fcm.v1.FcmError"))?.errorCode;
  return fcm ?? body.error?.status;
}

/** An INVALID_ARGUMENT about the registration token itself, not the rest of the message. */
function blamesToken(body: FcmErrorBody): boolean {
  const violations = body.error?.details?.flatMap((d) => d.fieldViolations ?? []) ?? [];
  if (violations.some((v) => v.field === "message.token")) return true;
  return /registration token/i.test(body.error?.message ?? "");
}

/**
 * An FCM HTTP v1 error onto Relay's outcomes. The token is gone (UNREGISTERED, or
 * INVALID_ARGUMENT about the token): rejected, and the device is never sent to again. Quota,
 * outages and auth: the provider's fault, fail over (with FCM's Retry-After).
 */
export function classifyFcmError(status: number, headers: Headers, raw: unknown): SendOutcome {
  const body = (typeof raw === "object" && raw !== null ? raw : {}) as FcmErrorBody;
  const code = errorCodeOf(body) ?? `http_${status}`;
  const message = body.error?.message ?? `FCM answered ${status}`;
  if (code === "UNREGISTERED") return { ...rejected(code, message), recipientGone: true };
  if (code === "INVALID_ARGUMENT" && blamesToken(body)) return { ...rejected(code, message), recipientGone: true };
  if (code === "QUOTA_EXCEEDED" || code === "UNAVAILABLE" || code === "INTERNAL" || status === 429 || status >= 500)
    return unavailable(code, message, retryAfterSeconds(headers));
  if (code === "THIRD_PARTY_AUTH_ERROR" || code === "UNAUTHENTICATED" || code === "PERMISSION_DENIED" || isProviderFaultStatus(status))
    return unavailable(code, message);
  // SENDER_ID_MISMATCH, other INVALID_ARGUMENTs: this message cannot go as it is.
  return rejected(code, message);
}
