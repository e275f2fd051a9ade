import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { notReady, readinessChecks } from "../../../shared/http/readiness";
import type { IngestBindings } from "../context";
import { envelope } from "../respond";
import { errorResponses, success } from "../schemas/route-parts";
import { healthSchema } from "../schemas/views";

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Status of each dependency",
  description:
    "200 when D1 answers, the queue is bound and ENCRYPTION_SECRET opens the canary sealed at deploy time (so every worker holds the same secret); otherwise 503 naming the failing check.",
  responses: { 200: success(healthSchema, "Every dependency is ready"), ...errorResponses(500, 503) },
});

export const healthRoutes = new OpenAPIHono<IngestBindings>().openapi(health, async (c) => {
  const checks = await readinessChecks({ d1: () => c.get("db").run(sql`SELECT 1`), queue: c.env.DELIVERY_QUEUE, env: c.env });
  const error = notReady(checks);
  if (error) throw error;
  return envelope(c, { status: "ok" as const, checks });
});
