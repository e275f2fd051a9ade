import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { createWebhookEndpointSchema, replaySinceSchema, updateWebhookEndpointSchema } from "../../../shared/domain/webhook-endpoint";
import type { IngestBindings } from "../context";
import { requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { deletedSchema, listOf } from "../schemas/views";
import {
  createdWebhookEndpointSchema,
  replayDeliveryResultSchema,
  replaySinceResultSchema,
  rotatedSecretSchema,
  webhookAttemptSchema,
  webhookEndpointSchema,
  webhookTestSchema,
} from "../schemas/webhook-endpoint-views";
import { offsetPageFrom, offsetPageOf } from "../services/cursor";
import { listAttempts } from "../services/webhook-attempts";
import {
  createEndpoint,
  deleteEndpoint,
  endpointRulesFrom,
  endpointView,
  findEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from "../services/webhook-endpoints";
import { replayDelivery, replaySince } from "../services/webhook-replay";
import { testEndpoint } from "../services/webhook-test";

const tags = ["Webhook endpoints"];
const id = idParam("wep_V1StGXR8Z5jdHi6BmyT12");
const description = "Needs the `admin` scope. Events are signed per Standard Webhooks with the endpoint's secret.";
const path = "/v1/webhook-endpoints";

const create = createRoute({
  method: "post",
  path,
  tags,
  security: bearer,
  summary: "Add a webhook endpoint",
  description: `${description} The answer carries the secret, this once only.`,
  request: jsonBody(createWebhookEndpointSchema),
  responses: { 201: success(createdWebhookEndpointSchema, "Created"), ...errors(409, 413) },
});

const list = createRoute({
  method: "get",
  path,
  tags,
  security: bearer,
  summary: "List webhook endpoints",
  request: { query: pageQuery },
  responses: { 200: success(listOf(webhookEndpointSchema), "A page of endpoints, oldest first"), ...errors() },
});

const get = createRoute({
  method: "get",
  path: `${path}/{id}`,
  tags,
  security: bearer,
  summary: "Get a webhook endpoint",
  request: { params: id },
  responses: { 200: success(webhookEndpointSchema, "The endpoint"), ...errors(404) },
});

const update = createRoute({
  method: "patch",
  path: `${path}/{id}`,
  tags,
  security: bearer,
  summary: "Change a webhook endpoint",
  description: `${description} Enabling an endpoint clears its failure count.`,
  request: { params: id, ...jsonBody(updateWebhookEndpointSchema) },
  responses: { 200: success(webhookEndpointSchema, "Updated"), ...errors(404, 413) },
});

const remove = createRoute({
  method: "delete",
  path: `${path}/{id}`,
  tags,
  security: bearer,
  summary: "Delete a webhook endpoint",
  request: { params: id },
  responses: { 200: success(deletedSchema, "Deleted"), ...errors(404) },
});

const rotate = createRoute({
  method: "post",
  path: `${path}/{id}/rotate-secret`,
  tags,
  security: bearer,
  summary: "Rotate an endpoint's signing secret",
  description: "The new secret is shown this once; for 24 hours every delivery is signed with both secrets.",
  request: { params: id },
  responses: { 200: success(rotatedSecretSchema, "The new secret"), ...errors(404, 409) },
});

const attempts = createRoute({
  method: "get",
  path: `${path}/{id}/attempts`,
  tags,
  security: bearer,
  summary: "List an endpoint's delivery attempts",
  request: { params: id, query: pageQuery.omit({ tenantId: true }) },
  responses: { 200: success(listOf(webhookAttemptSchema), "A page of attempts, newest first"), ...errors(404) },
});

const replay = createRoute({
  method: "post",
  path: `${path}/{id}/replay`,
  tags,
  security: bearer,
  summary: "Deliver every event since a time again",
  description: `At most 500 events a call, oldest first; \`nextSince\` says where to continue. Replays keep each event's id (webhook-id).`,
  request: { params: id, ...jsonBody(replaySinceSchema) },
  responses: { 202: success(replaySinceResultSchema, "Queued"), ...errors(404, 409) },
});

const deliveryParams = z.object({
  id: id.shape.id,
  deliveryId: z
    .string()
    .min(1)
    .max(64)
    .meta({ param: { name: "deliveryId", in: "path" }, example: "whd_V1StGXR8Z5jdHi6BmyT12" }),
});

const replayOne = createRoute({
  method: "post",
  path: `${path}/{id}/deliveries/{deliveryId}/replay`,
  tags,
  security: bearer,
  summary: "Deliver one earlier delivery's event again",
  request: { params: deliveryParams },
  responses: { 202: success(replayDeliveryResultSchema, "Queued"), ...errors(404, 409) },
});

const test = createRoute({
  method: "post",
  path: `${path}/{id}/test`,
  tags,
  security: bearer,
  summary: "Send a signed test event now",
  description: "A `webhook.test` event, posted at once whatever the endpoint subscribes to; the answer says what the endpoint did.",
  request: { params: id },
  responses: { 200: success(webhookTestSchema, "What the endpoint answered"), ...errors(404) },
});

export const webhookEndpointRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(create, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, await createEndpoint(c.get("db"), endpointRulesFrom(c.env), c.get("principal"), c.req.valid("json")), 201);
  })
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "admin");
    const query = c.req.valid("query");
    const page = offsetPageFrom(query);
    return envelope(c, offsetPageOf(await listEndpoints(c.get("db"), tenantScope(c.get("principal"), query.tenantId), page), page));
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, endpointView(await findEndpoint(c.get("db"), c.get("principal"), c.req.valid("param").id)));
  })
  .openapi(update, async (c) => {
    requireScope(c.get("principal"), "admin");
    const { id } = c.req.valid("param");
    return envelope(c, await updateEndpoint(c.get("db"), endpointRulesFrom(c.env), c.get("principal"), id, c.req.valid("json")));
  })
  .openapi(remove, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, await deleteEndpoint(c.get("db"), c.get("principal"), c.req.valid("param").id));
  })
  .openapi(rotate, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, await rotateSecret(c.get("db"), endpointRulesFrom(c.env), c.get("principal"), c.req.valid("param").id));
  })
  .openapi(attempts, async (c) => {
    requireScope(c.get("principal"), "admin");
    const endpoint = await findEndpoint(c.get("db"), c.get("principal"), c.req.valid("param").id);
    return envelope(c, await listAttempts(c.get("db"), endpoint.id, c.req.valid("query")));
  })
  .openapi(replay, async (c) => {
    requireScope(c.get("principal"), "admin");
    const endpoint = await findEndpoint(c.get("db"), c.get("principal"), c.req.valid("param").id);
    return envelope(c, await replaySince(c.get("db"), c.env.EVENTS_QUEUE, endpoint, c.req.valid("json").since), 202);
  })
  .openapi(replayOne, async (c) => {
    requireScope(c.get("principal"), "admin");
    const { id, deliveryId } = c.req.valid("param");
    const endpoint = await findEndpoint(c.get("db"), c.get("principal"), id);
    return envelope(c, await replayDelivery(c.get("db"), c.env.EVENTS_QUEUE, endpoint, deliveryId), 202);
  })
  .openapi(test, async (c) => {
    requireScope(c.get("principal"), "admin");
    const endpoint = await findEndpoint(c.get("db"), c.get("principal"), c.req.valid("param").id);
    return envelope(c, await testEndpoint(c.get("db"), endpointRulesFrom(c.env), endpoint));
  });
