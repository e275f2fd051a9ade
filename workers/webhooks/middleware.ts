import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { database } from "../../shared/db/database";
import { requestIdFrom } from "../../shared/domain/ids";
import { PayloadTooLargeError } from "../../shared/http/errors";
import type { WebhooksBindings } from "./context";

export const requestContext: MiddlewareHandler<WebhooksBindings> = async (c, next) => {
  c.set("startedAt", Date.now());
  const requestId = requestIdFrom(c.req.header("x-request-id"));
  c.set("requestId", requestId);
  c.set("db", database(c.env.DB));
  await next();
  c.header("x-request-id", requestId);
};

export function limitBody(maxSize: number): MiddlewareHandler<WebhooksBindings> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new PayloadTooLargeError(maxSize);
    },
  });
}
