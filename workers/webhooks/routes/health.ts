import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { secretHealth } from "../../../shared/crypto/secret-canary";
import { UnavailableError } from "../../../shared/http/errors";
import type { WebhooksBindings } from "../context";
import { envelope } from "../respond";

export const healthRoutes = new Hono<WebhooksBindings>().get("/health", async (c) => {
  try {
    await c.get("db").run(sql`SELECT 1`);
  } catch {
    throw new UnavailableError("D1 is unavailable");
  }
  const secrets = await secretHealth(c.env);
  if (!secrets.ok) throw new UnavailableError(`Not ready: secrets (${secrets.message})`);
  return envelope(c, { status: "ok" as const });
});
