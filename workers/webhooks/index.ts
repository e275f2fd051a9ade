import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { database } from "../../shared/db/database";
import { newId } from "../../shared/domain/ids";
import { errorBody, successBody } from "../../shared/http/envelope";
import { NotFoundError, UnavailableError } from "../../shared/http/errors";
import type { WebhooksEnv } from "./env";

const app = new Hono<{ Bindings: WebhooksEnv }>();

app.get("/health", async (c) => {
  const requestId = newId("request");
  try {
    await database(c.env.DB).run(sql`SELECT 1`);
    return c.json(successBody({ status: "ok" }, requestId, Date.now()));
  } catch {
    return c.json(errorBody(new UnavailableError("D1 is unavailable"), requestId), 503);
  }
});

app.notFound((c) => c.json(errorBody(new NotFoundError(`Route ${c.req.method} ${c.req.path}`), newId("request")), 404));

export default { fetch: app.fetch } satisfies ExportedHandler<WebhooksEnv>;
