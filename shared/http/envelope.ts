import type { ZodError } from "zod";
import type { ErrorCode } from "./error-codes";
import { type ErrorDetail, InvalidInputError, PayloadTooLargeError, RelayError } from "./errors";

export type SuccessBody<T> = { success: true; data: T; meta: { requestId: string; duration: number } };
export type ErrorBody = {
  success: false;
  error: { code: ErrorCode; message: string; retryable: boolean; details?: ErrorDetail[] };
  meta: { requestId: string };
};

export function successBody<T>(data: T, requestId: string, startedAt: number): SuccessBody<T> {
  return { success: true, data, meta: { requestId, duration: Date.now() - startedAt } };
}

/** One detail per bad field; an unknown field is named by its own path, not its parent's. */
export function zodDetails(error: ZodError, prefix: (string | number)[] = []): ErrorDetail[] {
  const pathOf = (path: PropertyKey[]) => [...prefix, ...path].map(String).join(".") || "(body)";
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: `Unrecognized key: "${key}"` }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}

/** Hono's own exceptions carry a status; they come from its body parsing and limits. */
type StatusError = Error & { status: number };
function hasStatus(error: unknown): error is StatusError {
  return error instanceof Error && typeof (error as Partial<StatusError>).status === "number";
}

/** The one place an error of any kind becomes an envelope. */
export function toRelayError(error: unknown): RelayError {
  if (error instanceof RelayError) return error;
  if (error instanceof Error && error.name === "ZodError")
    return new InvalidInputError("The request failed validation", zodDetails(error as ZodError));
  if (hasStatus(error) && error.status === 413) return new PayloadTooLargeError();
  if (hasStatus(error) && error.status >= 400 && error.status < 500)
    return new InvalidInputError(error.message || "The request is malformed");
  return new RelayError("INTERNAL_ERROR", "An unexpected error occurred");
}

export function errorBody(error: RelayError, requestId: string): ErrorBody {
  const body: ErrorBody = {
    success: false,
    error: { code: error.code, message: error.message, retryable: error.retryable },
    meta: { requestId },
  };
  if (error.details?.length) body.error.details = error.details;
  return body;
}
