import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { secretHealth } from "../../../shared/crypto/secret-canary";
import { UnavailableError } from "../../../shared/http/errors";
import type { IngestBindings } from "../context";
import { envelope } from "../respond";
import { errorResponses, success } from "../schemas/route-parts";
import { healthSchema } from "../schemas/views";

type Check = { ok: boolean; message?: string };

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Status of each dependency",
  description:
    "200 when D1 answers, the queue is bound and ENCRYPTION_SECRET opens the canary sealed at deploy time (so every worker holds the same secret); otherwise 503 naming the failing check.",
  responses: { 200: success(healthSchema, "Every dependency is ready"), ...errorResponses(500, 503) },
});

async function check(run: () => unknown | Promise<unknown>): Promise<Check> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : "failed" };
  }
}

export const healthRoutes = new OpenAPIHono<IngestBindings>().openapi(health, async (c) => {
  const checks: Record<string, Check> = {
    d1: await check(() => c.var.db.run(sql`SELECT 1`)),
    queue: await check(() => {
      if (typeof c.env.DELIVERY_QUEUE?.send !== "function") throw new Error("DELIVERY_QUEUE is not bound");
    }),
    secrets: await secretHealth(c.env),
  };
  const failing = Object.entries(checks).filter(([, result]) => !result.ok);
  if (failing.length > 0) {
    const error = new UnavailableError(`Not ready: ${failing.map(([name]) => name).join(", ")}`);
    throw Object.assign(error, { details: failing.map(([name, result]) => ({ path: name, message: result.message ?? "failed" })) });
  }
  return envelope(c, { status: "ok" as const, checks });
});
