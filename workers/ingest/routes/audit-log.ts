import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { IngestBindings } from "../context";
import { requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { pageQuery } from "../schemas/params";
import { bearer, errors, success } from "../schemas/route-parts";
import { auditRecordSchema, listOf } from "../schemas/views";
import { AUDIT_ACTIONS, listAuditLog } from "../services/audit-log";

export const auditLogQuery = pageQuery.extend({ action: z.enum(AUDIT_ACTIONS).optional() });

const list = createRoute({
  method: "get",
  path: "/v1/audit-log",
  tags: ["Audit log"],
  security: bearer,
  summary: "Who did what, when and from where, newest first",
  description:
    "Needs the `admin` scope. Sign-ins, redrives and discards (one record per bulk operation), provider and key changes. A tenant's key sees its tenant's records; an ops key every record, or one tenant's with `tenantId`.",
  request: { query: auditLogQuery },
  responses: { 200: success(listOf(auditRecordSchema), "A page of audit records"), ...errors() },
});

export const auditLogRoutes = new OpenAPIHono<IngestBindings>().openapi(list, async (c) => {
  requireScope(c.get("principal"), "admin");
  const query = c.req.valid("query");
  return envelope(c, await listAuditLog(c.get("db"), { ...query, tenantId: tenantScope(c.get("principal"), query.tenantId) }));
});
