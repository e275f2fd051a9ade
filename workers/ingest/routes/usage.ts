import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { quotaPeriod } from "../../../shared/domain/quotas";
import { InvalidInputError } from "../../../shared/http/errors";
import type { IngestBindings } from "../context";
import { isOps, requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { bearer, errors, success } from "../schemas/route-parts";
import { USAGE_GROUPS, usage } from "../services/usage";

const isoTime = z.iso.datetime({ offset: true });

const usageQuery = z.strictObject({
  from: isoTime.optional().meta({ description: "Created at or after; default the start of this month (UTC)" }),
  to: isoTime.optional().meta({ description: "Created before; default now" }),
  groupBy: z.enum(USAGE_GROUPS).default("day").meta({ description: "`tenant` is for ops keys" }),
  tenantId: z.string().max(64).optional().meta({ description: "Ops keys: only this tenant" }),
});

const usageItemSchema = z
  .object({
    key: z.string().meta({ description: "The day (YYYY-MM-DD), channel, provider id (`none`: never reached one) or tenant id" }),
    messages: z.number().int(),
    segments: z.number().int().meta({ description: "SMS segments" }),
    cost: z.number(),
    currency: z.string().nullable().meta({ description: "null for messages with no known cost" }),
  })
  .meta({ id: "UsageItem" });

const get = createRoute({
  method: "get",
  path: "/v1/usage",
  tags: ["Usage"],
  security: bearer,
  summary: "Messages, SMS segments and cost, grouped by day, channel, provider or tenant",
  description:
    "Counts every message created in the range, both directions; cost is what each message recorded (the provider's price, or the provider's `pricing`). One item per key and currency.",
  request: { query: usageQuery },
  responses: { 200: success(z.object({ items: z.array(usageItemSchema) }), "Usage in the range"), ...errors() },
});

export const usageRoutes = new OpenAPIHono<IngestBindings>().openapi(get, async (c) => {
  requireScope(c.var.principal, "read");
  const query = c.req.valid("query");
  if (query.groupBy === "tenant" && !isOps(c.var.principal))
    throw new InvalidInputError("Only ops keys group usage by tenant", [{ path: "groupBy", message: "tenant is for ops keys" }]);
  const now = new Date();
  const from = new Date(query.from ?? `${quotaPeriod(now).period}-01T00:00:00Z`).toISOString();
  const to = new Date(query.to ?? now).toISOString();
  const tenantId = tenantScope(c.var.principal, query.tenantId);
  return envelope(c, { items: await usage(c.var.db, { from, to, groupBy: query.groupBy, tenantId }) });
});
