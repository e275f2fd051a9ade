import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { zodDetails } from "../../../shared/http/envelope";
import { InvalidInputError } from "../../../shared/http/errors";
import type { IngestBindings } from "../context";
import { requireOps, requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { idParam } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { exportArchive, findArchiveRun, requestArchiveRun } from "../services/archive";

const tags = ["Archive"];
const isoTime = z.iso.datetime({ offset: true });

const archiveRunRequest = z
  .strictObject({
    before: isoTime.meta({ description: "Archive finished messages created before this time" }),
    tenantId: z.string().max(64).optional().meta({ description: "Only this tenant; every tenant when absent" }),
  })
  .meta({ id: "ArchiveRunRequest" });

const archiveRunSchema = z
  .object({
    id: z.string().meta({ example: "arc_V1StGXR8Z5jdHi6BmyT12" }),
    tenantId: z.string().nullable(),
    before: z.string().nullable().meta({ description: "null: each tenant's own retention (the daily run)" }),
    status: z.enum(["running", "done", "failed"]),
    archived: z.number().int().meta({ description: "Messages moved to the archive so far" }),
    objects: z.number().int(),
    error: z.string().nullable(),
    requestedBy: z.string().nullable(),
    startedAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "ArchiveRun" });

const exportQuery = z.strictObject({
  from: isoTime.meta({ description: "Created at or after" }),
  to: isoTime.meta({ description: "Created before" }),
  tenantId: z.string().max(64).optional().meta({ description: "Ops keys: the tenant to export (required for them)" }),
});

const start = createRoute({
  method: "post",
  path: "/v1/archive/runs",
  tags,
  security: bearer,
  summary: "Start an archive pass (ops)",
  description:
    "Finished messages (sent, delivered, failed, canceled; not one a pending dead letter holds) created before `before` move with their events to R2 and leave D1. The dispatch cron carries the pass out chunk by chunk; follow it with GET.",
  request: jsonBody(archiveRunRequest),
  responses: { 202: success(archiveRunSchema, "Started"), ...errors(413) },
});

const get = createRoute({
  method: "get",
  path: "/v1/archive/runs/{id}",
  tags,
  security: bearer,
  summary: "An archive pass and its progress (ops)",
  request: { params: idParam("arc_V1StGXR8Z5jdHi6BmyT12") },
  responses: { 200: success(archiveRunSchema, "The run"), ...errors(404) },
});

const exportRoute = createRoute({
  method: "get",
  path: "/v1/exports",
  tags,
  security: bearer,
  summary: "Stream a tenant's archived messages as NDJSON",
  description:
    "One `{ message, events }` per line, day by day, exactly as the messages were when archived. Messages still in D1 are read with GET /v1/messages.",
  request: { query: exportQuery },
  responses: {
    200: { description: "NDJSON, one archived message per line", content: { "application/x-ndjson": { schema: z.string() } } },
    ...errors(),
  },
});

const routes = new OpenAPIHono<IngestBindings>();
routes.openAPIRegistry.registerPath(exportRoute);

export const archiveRoutes = routes
  .openapi(start, async (c) => {
    requireOps(c.get("principal"));
    return envelope(c, await requestArchiveRun(c.get("db"), c.req.valid("json"), c.get("principal").keyId), 202);
  })
  .openapi(get, async (c) => {
    requireOps(c.get("principal"));
    return envelope(c, await findArchiveRun(c.get("db"), c.req.valid("param").id));
  })
  // A stream, not an envelope: documented here, served by a plain route that validates the same query.
  .get("/v1/exports", async (c) => {
    requireScope(c.get("principal"), "read");
    const parsed = exportQuery.safeParse(c.req.query());
    if (!parsed.success) throw new InvalidInputError("The query is not valid", zodDetails(parsed.error));
    const query = parsed.data;
    const tenantId = tenantScope(c.get("principal"), query.tenantId);
    if (!tenantId)
      throw new InvalidInputError("An ops key exports one tenant at a time", [{ path: "tenantId", message: "required for ops keys" }]);
    const body = await exportArchive(
      c.get("db"),
      c.env.ARCHIVE,
      tenantId,
      new Date(query.from).toISOString(),
      new Date(query.to).toISOString(),
    );
    return new Response(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "x-request-id": c.get("requestId") } });
  });
