import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { keyringFromEnv } from "../../../shared/crypto/credential-cipher";
import { UnavailableError } from "../../../shared/http/errors";
import type { WebhooksBindings } from "../context";
import { envelope } from "../respond";

export const healthRoutes = new Hono<WebhooksBindings>().get("/health", async (c) => {
  try {
    await c.var.db.run(sql`SELECT 1`);
  } catch {
    throw new UnavailableError("D1 is unavailable");
  }
  try {
    keyringFromEnv(c.env);
  } catch {
    throw new UnavailableError("ENCRYPTION_SECRET is not set");
  }
  return envelope(c, { status: "ok" as const });
});
