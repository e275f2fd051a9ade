import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { IngestBindings } from "../context";
import { requireScope } from "../principal";
import { idParam } from "../schemas/params";
import { bearer, errors } from "../schemas/route-parts";
import { mediaResponse } from "../services/media";

const get = createRoute({
  method: "get",
  path: "/v1/media/{id}",
  tags: ["Conversations"],
  security: bearer,
  summary: "Download an attachment",
  description:
    "The bytes of a file that came with an inbound message (its `attachments[].url`), as a download. `409` while it is still being fetched from the provider, or if it could not be.",
  request: { params: idParam("med_V1StGXR8Z5jdHi6BmyT12") },
  responses: {
    200: {
      description: "The file, with its content type",
      content: { "application/octet-stream": { schema: z.string().meta({ format: "binary" }) } },
    },
    ...errors(404, 409),
  },
});

const routes = new OpenAPIHono<IngestBindings>();
routes.openAPIRegistry.registerPath(get);

// The bytes, not an envelope: documented above, served by a plain route.
export const mediaRoutes = routes.get("/v1/media/:id", async (c) => {
  requireScope(c.get("principal"), "read");
  return mediaResponse(c.get("db"), c.env.MEDIA, c.req.param("id"), c.get("principal").tenantId, c.get("requestId"));
});
