import type { MiddlewareHandler } from "hono";
import { RateLimitedError, UnauthorizedError } from "../../shared/http/errors";
import type { IngestBindings } from "./context";
import { principalForKey, recordKeyUse } from "./services/api-key-lookup";

export const authenticate: MiddlewareHandler<IngestBindings> = async (c, next) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  if (!match) throw new UnauthorizedError();
  const principal = await principalForKey(c.get("db"), match[1]);
  c.set("principal", principal);
  const recorded = recordKeyUse(c.get("db"), principal.keyId);
  if (recorded) c.executionCtx.waitUntil(recorded);
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
