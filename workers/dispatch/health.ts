import { secretHealth } from "../../shared/crypto/secret-canary";
import { errorBody, successBody } from "../../shared/http/envelope";
import { NotFoundError, UnavailableError } from "../../shared/http/errors";
import type { DispatchEnv } from "./env";

type Check = { ok: boolean; message?: string };

async function d1Check(db: D1Database): Promise<Check> {
  try {
    await db.prepare("SELECT 1").run();
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : "failed" };
  }
}

/**
 * The dispatch worker answers HTTP only for `GET /health`: the same checks as ingest's, so a
 * dispatch worker holding a different ENCRYPTION_SECRET is seen before it dead-letters sends.
 */
export async function dispatchFetch(request: Request, env: DispatchEnv): Promise<Response> {
  const startedAt = Date.now();
  const requestId = request.headers.get("x-request-id") ?? `req_${crypto.randomUUID().replaceAll("-", "")}`;
  const url = new URL(request.url);
  const headers = { "x-request-id": requestId };
  if (url.pathname !== "/health" || request.method !== "GET")
    return Response.json(errorBody(new NotFoundError(`Route ${request.method} ${url.pathname}`), requestId), { status: 404, headers });
  const checks: Record<string, Check> = {
    d1: await d1Check(env.DB),
    queue: typeof env.DELIVERY_QUEUE?.send === "function" ? { ok: true } : { ok: false, message: "DELIVERY_QUEUE is not bound" },
    secrets: await secretHealth(env),
  };
  const failing = Object.entries(checks).filter(([, check]) => !check.ok);
  if (failing.length === 0) return Response.json(successBody({ status: "ok", checks }, requestId, startedAt), { headers });
  const error = Object.assign(new UnavailableError(`Not ready: ${failing.map(([name]) => name).join(", ")}`), {
    details: failing.map(([name, check]) => ({ path: name, message: check.message ?? "failed" })),
  });
  return Response.json(errorBody(error, requestId), { status: 503, headers });
}
