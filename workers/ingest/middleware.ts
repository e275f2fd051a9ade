import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { meterEnv } from "../../shared/db/d1-meter";
import { database } from "../../shared/db/database";
import { requestIdFrom } from "../../shared/domain/ids";
import { PayloadTooLargeError, UnauthorizedError } from "../../shared/http/errors";
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
  c.set("principal", await principalForKey(c.var.db, match[1]));
  await next();
};

export function limitBody(maxSize: number): MiddlewareHandler<IngestBindings> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new PayloadTooLargeError(maxSize);
    },
  });
}
