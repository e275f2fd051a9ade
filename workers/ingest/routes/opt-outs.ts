import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { CHANNELS } from "../../../shared/domain/enums";
import { ForbiddenError } from "../../../shared/http/errors";
import type { IngestBindings } from "../context";
import { type Principal, requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { deletedSchema, listOf, optOutSchema } from "../schemas/views";
import { createOptOut, createOptOutSchema, deleteOptOut, listOptOuts, updateOptOut, updateOptOutSchema } from "../services/opt-outs";

const tags = ["Opt-outs"];
const id = idParam("opt_V1StGXR8Z5jdHi6BmyT12");
const writes = "Needs a tenant's key with the `admin` scope.";

const create = createRoute({
  method: "post",
  path: "/v1/opt-outs",
  tags,
  security: bearer,
  summary: "Suppress an address",
  description: `${writes} Sends to it on that channel fail with \`recipient_opted_out\`, without a provider call.`,
  request: jsonBody(createOptOutSchema),
  responses: { 201: success(optOutSchema, "Suppressed"), ...errors(409, 413) },
});

const list = createRoute({
  method: "get",
  path: "/v1/opt-outs",
  tags,
  security: bearer,
  summary: "List suppressed addresses, newest first",
  request: { query: pageQuery.extend({ channel: z.enum(CHANNELS).optional() }) },
  responses: { 200: success(listOf(optOutSchema), "A page of opt-outs"), ...errors() },
});

const update = createRoute({
  method: "patch",
  path: "/v1/opt-outs/{id}",
  tags,
  security: bearer,
  summary: "Change an opt-out's note",
  description: writes,
  request: { params: id, ...jsonBody(updateOptOutSchema) },
  responses: { 200: success(optOutSchema, "Changed"), ...errors(404, 413) },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/opt-outs/{id}",
  tags,
  security: bearer,
  summary: "Lift a suppression",
  description: `${writes} Sends to the address go out again.`,
  request: { params: id },
  responses: { 200: success(deletedSchema, "Lifted"), ...errors(404) },
});

function adminTenant(principal: Principal): string {
  requireScope(principal, "admin");
  if (principal.tenantId === null) throw new ForbiddenError("Opt-outs belong to a tenant; use a tenant's admin key");
  return principal.tenantId;
}

export const optOutRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(create, async (c) => envelope(c, await createOptOut(c.get("db"), adminTenant(c.get("principal")), c.req.valid("json")), 201))
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "read");
    const query = c.req.valid("query");
    return envelope(c, await listOptOuts(c.get("db"), { ...query, tenantId: tenantScope(c.get("principal"), query.tenantId) }));
  })
  .openapi(update, async (c) =>
    envelope(c, await updateOptOut(c.get("db"), c.req.valid("param").id, adminTenant(c.get("principal")), c.req.valid("json").note)),
  )
  .openapi(remove, async (c) => envelope(c, await deleteOptOut(c.get("db"), c.req.valid("param").id, adminTenant(c.get("principal")))));
