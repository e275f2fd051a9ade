import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { successBody } from "../../shared/http/envelope";
import type { IngestBindings } from "./context";
import type { Acceptance } from "./services/accept-messages";

type AnyContext = Context<IngestBindings, string, object>;

export function envelope<T, S extends ContentfulStatusCode = 200>(c: AnyContext, data: T, status?: S) {
  return c.json(successBody(data, c.get("requestId"), c.get("startedAt")), (status ?? 200) as S);
}

/** A replayed idempotent request answers exactly as the first did, marked as a replay. */
export function answer<T>(c: AnyContext, acceptance: Acceptance<T>) {
  if (acceptance.replayed) c.header("Idempotent-Replayed", "true");
  return envelope(c, acceptance.answer.body, 202);
}
