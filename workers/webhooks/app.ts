import { Hono } from "hono";
import { errorBody, toRelayError } from "../../shared/http/envelope";
import { NotFoundError } from "../../shared/http/errors";
import { log } from "../../shared/observability/logger";
import type { WebhooksBindings } from "./context";
import { limitBody, requestContext } from "./middleware";
import { callbackRoutes } from "./routes/callbacks";
import { healthRoutes } from "./routes/health";

/** An SNS message is at most 256 KB, and JSON escaping can nearly double it inside the envelope. */
const CALLBACK_BODY_LIMIT = 1024 * 1024;

export function createApp() {
  const app = new Hono<WebhooksBindings>();

  app.use("*", requestContext);
  app.use("/webhooks/*", limitBody(CALLBACK_BODY_LIMIT));

  app.route("/", healthRoutes);
  app.route("/", callbackRoutes);

  app.notFound((c) => c.json(errorBody(new NotFoundError(`Route ${c.req.method} ${c.req.path}`), c.var.requestId ?? ""), 404));
  app.onError((error, c) => {
    const relayError = toRelayError(error);
    if (relayError.code === "INTERNAL_ERROR") log.error("webhooks.unhandled_error", { requestId: c.var.requestId, error: String(error) });
    c.header("x-request-id", c.var.requestId);
    return c.json(errorBody(relayError, c.var.requestId ?? ""), relayError.status as 400);
  });
  return app;
}
