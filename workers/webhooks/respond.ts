import type { Context } from "hono";
import { successBody } from "../../shared/http/envelope";
import type { WebhooksBindings } from "./context";

type AnyContext = Context<WebhooksBindings, string, object>;

/** A 200 in the usual envelope: what a provider gets for a callback Relay took. */
export function envelope<T>(c: AnyContext, data: T) {
  return c.json(successBody(data, c.get("requestId"), c.get("startedAt")), 200);
}
