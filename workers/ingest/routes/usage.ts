import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { IngestBindings } from "../context";
import { requireScope } from "../principal";
import { envelope } from "../respond";
import { usageQuery } from "../schemas/params";
import { bearer, errors, success } from "../schemas/route-parts";
import { usageIn } from "../services/usage";

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
  requireScope(c.get("principal"), "read");
  return envelope(c, { items: await usageIn(c.get("db"), c.get("principal"), c.req.valid("query")) });
});
