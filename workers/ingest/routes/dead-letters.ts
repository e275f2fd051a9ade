import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { IngestBindings } from "../context";
import { requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { deadLetterListQuery, idParam } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { deadLetterDetailSchema, deadLetterSchema, listOf, redriveResultSchema } from "../schemas/views";
import { apiActor, recordAudit } from "../services/audit-log";
import { discardDeadLetter, findDeadLetter, listDeadLetters, redriveDeadLetter, redriveMany } from "../services/dead-letters";
import { providerAttemptsOf } from "../services/provider-attempts";

const tags = ["Dead letters"];
const id = idParam("dlq_V1StGXR8Z5jdHi6BmyT12");
const description = "Needs the `admin` scope; a tenant's admin key sees its own tenant's only.";

const list = createRoute({
  method: "get",
  path: "/v1/dead-letters",
  tags,
  security: bearer,
  summary: "List dead letters, newest first",
  description,
  request: { query: deadLetterListQuery },
  responses: { 200: success(listOf(deadLetterSchema), "A page of dead letters"), ...errors() },
});

const get = createRoute({
  method: "get",
  path: "/v1/dead-letters/{id}",
  tags,
  security: bearer,
  summary: "Get a dead letter, with every provider's attempts and last error",
  request: { params: id },
  responses: { 200: success(deadLetterDetailSchema, "The dead letter"), ...errors(404) },
});

const redrive = createRoute({
  method: "post",
  path: "/v1/dead-letters/{id}/redrive",
  tags,
  security: bearer,
  summary: "Put a dead letter's message back on the delivery queue",
  description: "The message returns to `queued` with attempts reset; an event records the redrive.",
  request: { params: id },
  responses: { 200: success(deadLetterSchema, "Redriven"), ...errors(404, 409, 503) },
});

const bulkRequest = z.strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(100) }).meta({ id: "BulkRedriveRequest" });
const redriveBulk = createRoute({
  method: "post",
  path: "/v1/dead-letters/redrive",
  tags,
  security: bearer,
  summary: "Redrive up to 100 dead letters",
  request: jsonBody(bulkRequest),
  responses: { 200: success(z.object({ items: z.array(redriveResultSchema) }), "One result per id"), ...errors(413, 503) },
});

const discard = createRoute({
  method: "post",
  path: "/v1/dead-letters/{id}/discard",
  tags,
  security: bearer,
  summary: "Discard a dead letter",
  request: { params: id },
  responses: { 200: success(deadLetterSchema, "Discarded"), ...errors(404, 409) },
});

export const deadLetterRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "admin");
    const query = c.req.valid("query");
    return envelope(c, await listDeadLetters(c.get("db"), { ...query, tenantId: tenantScope(c.get("principal"), query.tenantId) }));
  })
  .openapi(redriveBulk, async (c) => {
    requireScope(c.get("principal"), "admin");
    const ids = c.req.valid("json").ids;
    const items = await redriveMany(redriveContext(c), ids);
    const redriven = items.filter((item) => item.outcome === "redriven").length;
    await recordAudit(c.get("db"), apiActor(c), {
      action: "dead-letter.redrive",
      tenantId: c.get("principal").tenantId,
      details: { ids, redriven },
    });
    return envelope(c, { items });
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "admin");
    const letter = await findDeadLetter(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId);
    return envelope(c, { ...letter, providerAttempts: await providerAttemptsOf(c.get("db"), letter.messageId) });
  })
  .openapi(redrive, async (c) => {
    requireScope(c.get("principal"), "admin");
    const letter = await redriveDeadLetter(redriveContext(c), c.req.valid("param").id);
    await recordAudit(c.get("db"), apiActor(c), { action: "dead-letter.redrive", tenantId: letter.tenantId, target: letter.id });
    return envelope(c, letter);
  })
  .openapi(discard, async (c) => {
    requireScope(c.get("principal"), "admin");
    const letter = await discardDeadLetter(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId, c.get("requestId"));
    await recordAudit(c.get("db"), apiActor(c), { action: "dead-letter.discard", tenantId: letter.tenantId, target: letter.id });
    return envelope(c, letter);
  });

function redriveContext(c: Context<IngestBindings>) {
  return { db: c.get("db"), queue: c.env.DELIVERY_QUEUE, tenantId: c.get("principal").tenantId, requestId: c.get("requestId") };
}
