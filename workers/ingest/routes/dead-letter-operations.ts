import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { IngestBindings } from "../context";
import { requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { idParam } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { bulkOperationSchema } from "../schemas/views";
import { actorOf } from "../services/audit-log";
import { bulkOperationProgress, startBulkOperation } from "../services/bulk-operations";

const tags = ["Dead letters"];
const isoTime = z.iso.datetime({ offset: true });
/** A progress read works on a running operation for at most this long before answering. */
const PROGRESS_BUDGET_MS = 2_000;

const startRequest = z
  .strictObject({
    action: z.enum(["redrive", "discard"]),
    tenantId: z.string().max(64).optional().meta({ description: "Ops keys: only this tenant's dead letters" }),
    providerId: z.string().max(64).optional().meta({ description: "Only those whose last provider tried is this one" }),
    q: z.string().max(200).optional().meta({ description: "Only those whose last error contains this text" }),
    since: isoTime.optional().meta({ description: "Dead-lettered at or after" }),
    until: isoTime.optional().meta({ description: "Dead-lettered before" }),
    targetProviderId: z
      .string()
      .max(64)
      .optional()
      .meta({ description: "Redrive only: each message tries this enabled provider first (when it is in the message's chain)" }),
  })
  .meta({ id: "DeadLetterOperationRequest" });

const start = createRoute({
  method: "post",
  path: "/v1/dead-letter-operations",
  tags,
  security: bearer,
  summary: "Redrive or discard every pending dead letter matching a filter",
  description:
    "Needs the `admin` scope. Matches the dead letters pending now (a tenant's key: its own only), records one audit record, and works through them in chunks: a small operation is done in the answer, a large one continues (read its progress; the dispatch cron also advances it) and survives restarts.",
  request: jsonBody(startRequest),
  responses: { 202: success(bulkOperationSchema, "The operation, as far as it got"), ...errors(404, 503) },
});

const progress = createRoute({
  method: "get",
  path: "/v1/dead-letter-operations/{id}",
  tags,
  security: bearer,
  summary: "A dead-letter operation's progress",
  request: { params: idParam("bop_V1StGXR8Z5jdHi6BmyT12") },
  responses: { 200: success(bulkOperationSchema, "The operation"), ...errors(404) },
});

export const deadLetterOperationRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(start, async (c) => {
    requireScope(c.get("principal"), "admin");
    const { action, targetProviderId, tenantId, ...match } = c.req.valid("json");
    const op = await startBulkOperation(
      { db: c.get("db"), queue: c.env.DELIVERY_QUEUE, actor: actorOf(c.req.raw, c.get("principal"), c.get("requestId"), "api") },
      { action, targetProviderId, match: { ...match, tenantId: tenantScope(c.get("principal"), tenantId) } },
    );
    return envelope(c, op, 202);
  })
  .openapi(progress, async (c) => {
    requireScope(c.get("principal"), "admin");
    const ctx = { db: c.get("db"), queue: c.env.DELIVERY_QUEUE };
    return envelope(c, await bulkOperationProgress(ctx, c.req.valid("param").id, c.get("principal").tenantId, PROGRESS_BUDGET_MS));
  });
