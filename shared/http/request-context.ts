import type { MiddlewareHandler } from "hono";
import { meterEnv } from "../db/d1-meter";
import { type Database, database } from "../db/database";
import { requestIdFrom } from "../domain/ids";

/** What every worker's request carries: its id (accepted or made), its start, its database. */
export type RequestVariables = { requestId: string; startedAt: number; db: Database };
export type RequestEnv = { Bindings: { DB: D1Database; D1_METER?: string }; Variables: RequestVariables };

/**
 * The first middleware of every worker: `x-request-id` accepted (when sane) or made, and
 * returned; the request's start; one database handle, counted when `D1_METER` asks for it.
 */
export function requestContext(worker: string): MiddlewareHandler<RequestEnv> {
  return async (c, next) => {
    c.set("startedAt", Date.now());
    const requestId = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    const metered = meterEnv(c.env, worker);
    c.set("db", database(metered.env.DB));
    await next();
    metered.report(`${c.req.method} ${c.req.routePath}`, 1);
    c.header("x-request-id", requestId);
  };
}
