import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { meterEnv } from "../../shared/db/d1-meter";
import { database } from "../../shared/db/database";
import { requestIdFrom } from "../../shared/domain/ids";
import { PayloadTooLargeError, RateLimitedError, UnauthorizedError } from "../../shared/http/errors";
import type { IngestBindings } from "./context";
import { principalForKey } from "./services/api-key-lookup";

export const requestContext: MiddlewareHandler<IngestBindings> = async (c, next) => {
  c.set("startedAt", Date.now());
  const requestId = requestIdFrom(c.req.header("x-request-id"));
  c.set("requestId", requestId);
  const metered = meterEnv(c.env, "ingest");
  c.set("db", database(metered.env.DB));
  await next();
  metered.report(`${c.req.method} ${c.req.routePath}`, 1);
  c.header("x-request-id", requestId);
};

export const authenticate: MiddlewareHandler<IngestBindings> = async (c, next) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  if (!match) throw new UnauthorizedError();
  const principal = await principalForKey(c.var.db, match[1]);
  c.set("principal", principal);
  await enforceRateLimit(c.env, principal.keyId);
  await next();
};

/** The limiter's period, for Retry-After (wrangler.ingest.toml: simple.period). */
const RATE_LIMIT_PERIOD_SECONDS = 10;

async function enforceRateLimit(env: IngestBindings["Bindings"], keyId: string): Promise<void> {
  if (!env.API_RATE_LIMITER) return;
  const { success } = await env.API_RATE_LIMITER.limit({ key: keyId });
  if (!success) throw new RateLimitedError(RATE_LIMIT_PERIOD_SECONDS);
}

export function limitBody(maxSize: number): MiddlewareHandler<IngestBindings> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new PayloadTooLargeError(maxSize);
    },
  });
}
