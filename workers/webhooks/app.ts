import { Hono } from "hono";
import { limitBody } from "../../shared/http/body-limit";
import { notFound, onError } from "../../shared/http/error-handlers";
import { requestContext } from "../../shared/http/request-context";
import type { WebhooksBindings } from "./context";
import { callbackRoutes } from "./routes/callbacks";
import { healthRoutes } from "./routes/health";

/** An SNS message is at most 256 KB, and JSON escaping can nearly double it inside the envelope. */
const CALLBACK_BODY_LIMIT = 1024 * 1024;

export function createApp() {
  const app = new Hono<WebhooksBindings>();

  app.use("*", requestContext("webhooks"));
  app.use("/webhooks/*", limitBody(CALLBACK_BODY_LIMIT));

  app.route("/", healthRoutes);
  app.route("/", callbackRoutes);

  app.notFound(notFound);
  app.onError(onError("webhooks"));
  return app;
}
