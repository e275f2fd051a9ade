import { requestIdFrom } from "../../shared/domain/ids";
import { errorBody, successBody } from "../../shared/http/envelope";
import { NotFoundError } from "../../shared/http/errors";
import { notReady, readinessChecks } from "../../shared/http/readiness";
import type { DispatchEnv } from "./env";

/**
 * The dispatch worker answers HTTP only for `GET /health`: the same checks as ingest's, so a
 * dispatch worker holding a different ENCRYPTION_SECRET is seen before it dead-letters sends.
 */
export async function dispatchFetch(request: Request, env: DispatchEnv): Promise<Response> {
  const startedAt = Date.now();
  const requestId = requestIdFrom(request.headers.get("x-request-id"));
  const url = new URL(request.url);
  const headers = { "x-request-id": requestId };
  if (url.pathname !== "/health" || request.method !== "GET")
    return Response.json(errorBody(new NotFoundError(`Route ${request.method} ${url.pathname}`), requestId), { status: 404, headers });
  const checks = await readinessChecks({ d1: () => env.DB.prepare("SELECT 1").run(), queue: env.DELIVERY_QUEUE, env });
  const error = notReady(checks);
  if (!error) return Response.json(successBody({ status: "ok", checks }, requestId, startedAt), { headers });
  return Response.json(errorBody(error, requestId), { status: 503, headers });
}
