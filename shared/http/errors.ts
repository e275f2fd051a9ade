import { ERROR_CODES, type ErrorCode } from "./error-codes";

export type ErrorDetail = { path: string; message: string };

/** The base of every error Relay answers with; `toErrorBody` maps it onto the envelope. */
export class RelayError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    retryable?: boolean,
  ) {
    super(message);
    this.name = new.target.name;
    this.status = ERROR_CODES[code].status;
    this.retryable = retryable ?? ERROR_CODES[code].retryable;
  }
}

export class InvalidInputError extends RelayError {
  constructor(message: string, details?: ErrorDetail[]) {
    super("INVALID_INPUT", message, details);
  }
}
export class UnauthorizedError extends RelayError {
  constructor(message = "A valid API key is required: Authorization: Bearer <key>") {
    super("UNAUTHORIZED", message);
  }
}
export class ForbiddenError extends RelayError {
  constructor(message: string) {
    super("FORBIDDEN", message);
  }
}
export class NotFoundError extends RelayError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} not found`);
  }
}
/** A state conflict is final unless `retryable` (a request still in flight will finish). */
export class ConflictError extends RelayError {
  constructor(message: string, options: { retryable?: boolean } = {}) {
    super("CONFLICT", message, undefined, options.retryable ?? false);
  }
}
export class PayloadTooLargeError extends RelayError {
  constructor(limitBytes?: number, message?: string) {
    super("PAYLOAD_TOO_LARGE", message ?? `The request body is larger than ${limitBytes ? `${limitBytes} bytes` : "allowed"}`);
  }
}
export class MethodNotAllowedError extends RelayError {
  constructor(
    method: string,
    path: string,
    readonly allow: string[],
  ) {
    super("METHOD_NOT_ALLOWED", `${method} is not allowed on ${path}; use ${allow.join(", ")}`);
  }
}
export class UnsupportedMediaTypeError extends RelayError {
  constructor(received: string | undefined) {
    super("UNSUPPORTED_MEDIA_TYPE", `The body must be sent as Content-Type: application/json${received ? `, not ${received}` : ""}`);
  }
}
export class IdempotencyMismatchError extends RelayError {
  constructor() {
    super("IDEMPOTENCY_MISMATCH", "This Idempotency-Key was already used with a different request body");
  }
}
export class RateLimitedError extends RelayError {
  constructor(readonly retryAfterSeconds: number) {
    super("RATE_LIMITED", `Too many requests for this API key; retry after ${retryAfterSeconds} s`);
  }
}
export class QuotaExceededError extends RelayError {
  constructor(
    channel: string,
    quota: number,
    readonly resetsAt: string,
    readonly retryAfterSeconds: number,
  ) {
    super("QUOTA_EXCEEDED", `The monthly ${channel} quota of ${quota} messages is used up; it resets at ${resetsAt}`, [
      { path: "channel", message: `quota ${quota} per month reached; resets at ${resetsAt}` },
    ]);
  }
}
export class ProviderError extends RelayError {
  constructor(message: string) {
    super("PROVIDER_ERROR", message);
  }
}
export class UnavailableError extends RelayError {
  constructor(message: string) {
    super("SERVICE_UNAVAILABLE", message);
  }
}
