/** Every error code an endpoint can return, with its HTTP status. Documented in /openapi.json. */
export const ERROR_CODES = {
  INVALID_INPUT: { status: 400, retryable: false, description: "The request is malformed or fails validation; details name each field." },
  UNAUTHORIZED: { status: 401, retryable: false, description: "No API key, or the key is unknown or revoked." },
  FORBIDDEN: { status: 403, retryable: false, description: "The key lacks the scope this endpoint needs." },
  NOT_FOUND: { status: 404, retryable: false, description: "No such resource for this tenant." },
  METHOD_NOT_ALLOWED: {
    status: 405,
    retryable: false,
    description: "The path exists but not with this method; the Allow header lists its methods.",
  },
  CONFLICT: {
    status: 409,
    retryable: false,
    description:
      "The resource is in a state that forbids this (retryable: false), or a request with the same Idempotency-Key is still in flight (retryable: true).",
  },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, description: "The request body is larger than the endpoint accepts." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, description: "The request body is not sent as Content-Type: application/json." },
  IDEMPOTENCY_MISMATCH: { status: 422, retryable: false, description: "The Idempotency-Key was used with a different request body." },
  RATE_LIMITED: { status: 429, retryable: true, description: "Too many requests; retry after the delay given." },
  QUOTA_EXCEEDED: {
    status: 429,
    retryable: false,
    description: "The tenant's monthly quota for the channel is used up; nothing was stored. Retry-After says when it resets.",
  },
  INTERNAL_ERROR: { status: 500, retryable: true, description: "An unexpected error; nothing was half-written." },
  PROVIDER_ERROR: { status: 502, retryable: true, description: "The upstream provider failed." },
  SERVICE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    description: "A dependency (database, queue) is unavailable; nothing was accepted. Retry.",
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
