import type { Context } from "hono";
import { log } from "../observability/logger";
import { errorBody, toRelayError } from "./envelope";
import { MethodNotAllowedError, NotFoundError, QuotaExceededError, RateLimitedError } from "./errors";

type WithRequestId = { Variables: { requestId: string } };

/** No route: 404 in the envelope. */
export function notFound<E extends WithRequestId>(c: Context<E>) {
  return c.json(errorBody(new NotFoundError(`Route ${c.req.method} ${c.req.path}`), c.get("requestId") ?? ""), 404);
}

/**
 * The one error handler: every error becomes the envelope with its status, its `Retry-After`
 * or `Allow` header where it has one; only a bug (INTERNAL_ERROR) is logged, with the request id.
 */
export function onError<E extends WithRequestId>(worker: string) {
  return (error: Error, c: Context<E>) => {
    const relayError = toRelayError(error);
    if (relayError.code === "INTERNAL_ERROR")
      log.error(`${worker}.unhandled_error`, { requestId: c.get("requestId"), error: String(error) });
    c.header("x-request-id", c.get("requestId"));
    if (relayError instanceof RateLimitedError || relayError instanceof QuotaExceededError)
      c.header("Retry-After", String(relayError.retryAfterSeconds));
    if (relayError instanceof MethodNotAllowedError) c.header("Allow", relayError.allow.join(", "));
    return c.json(errorBody(relayError, c.get("requestId") ?? ""), relayError.status as 400);
  };
}
