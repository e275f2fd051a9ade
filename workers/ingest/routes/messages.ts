import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import { batchRequestSchema, messageRequestSchema } from "../../../shared/domain/message-request";
import type { MessageView } from "../../../shared/domain/message-view";
import type { IngestBindings } from "../context";
import { requireScope, sendingTenant, tenantScope } from "../principal";
import { answer, envelope } from "../respond";
import { idempotencyKeyOf, idempotencyParameter, idParam, messageListQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { listOf, messageSchema, messageWithEventsSchema } from "../schemas/views";
import { acceptMessages } from "../services/accept-messages";
import { cancelMessage } from "../services/cancel-message";
import { listMessages, messageWithEvents } from "../services/messages-query";
import { singleAnswer } from "../services/push-recipients";
import { requestFingerprint } from "../services/request-fingerprint";
import { renderRequests } from "../services/templated-messages";

const tags = ["Messages"];

const send = createRoute({
  method: "post",
  path: "/v1/messages",
  tags,
  security: bearer,
  summary: "Send a message",
  description:
    "Validates, stores the message as `queued` and enqueues it. Needs the `send` scope. A push to a contact (`ctc_…`) becomes one message per valid device; the answer is the first, with `fanOut` listing them all. With `template` instead of `content`, the template is rendered now: the message stores the result and the template version.",
  parameters: [idempotencyParameter],
  request: { ...jsonBody(messageRequestSchema) },
  responses: { 202: success(messageSchema, "Accepted"), ...errors(409, 413, 422, 503) },
});

const sendBatch = createRoute({
  method: "post",
  path: "/v1/messages/batch",
  tags,
  security: bearer,
  summary: "Send up to 100 messages",
  description:
    "All or nothing: one invalid item rejects the batch, `error.details` naming each bad index. A push to a contact becomes one item per valid device, in its place.",
  parameters: [idempotencyParameter],
  request: { ...jsonBody(batchRequestSchema) },
  responses: { 202: success(z.object({ items: z.array(messageSchema) }), "Accepted, in request order"), ...errors(409, 413, 422, 503) },
});

const list = createRoute({
  method: "get",
  path: "/v1/messages",
  tags,
  security: bearer,
  summary: "List messages, newest first",
  request: { query: messageListQuery },
  responses: { 200: success(listOf(messageSchema), "A page of messages"), ...errors() },
});

const get = createRoute({
  method: "get",
  path: "/v1/messages/{id}",
  tags,
  security: bearer,
  summary: "Get a message with its event timeline",
  request: { params: idParam("msg_V1StGXR8Z5jdHi6BmyT12") },
  responses: { 200: success(messageWithEventsSchema, "The message; events oldest first"), ...errors(404) },
});

const cancel = createRoute({
  method: "post",
  path: "/v1/messages/{id}/cancel",
  tags,
  security: bearer,
  summary: "Cancel a message while it is queued",
  request: { params: idParam("msg_V1StGXR8Z5jdHi6BmyT12") },
  responses: { 200: success(messageSchema, "Canceled"), ...errors(404, 409) },
});

const asItems = (views: MessageView[]) => ({ items: views });

export const messageRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(send, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    const request = c.req.valid("json");
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const claim = key ? { tenantId, key, requestHash: await requestFingerprint("POST /v1/messages", request) } : undefined;
    const renderable = await renderRequests(c.get("db"), tenantId, [request], () => "");
    const accepted = await acceptMessages(acceptContext(c, tenantId), renderable, singleAnswer(request), claim);
    return answer(c, accepted);
  })
  .openapi(sendBatch, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    const { messages } = c.req.valid("json");
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const claim = key ? { tenantId, key, requestHash: await requestFingerprint("POST /v1/messages/batch", messages) } : undefined;
    const renderable = await renderRequests(c.get("db"), tenantId, messages, (index) => `messages.${index}`);
    const accepted = await acceptMessages(acceptContext(c, tenantId), renderable, asItems, claim);
    return answer(c, accepted);
  })
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "read");
    const query = c.req.valid("query");
    const page = await listMessages(c.get("db"), { ...query, tenantId: tenantScope(c.get("principal"), query.tenantId) });
    return envelope(c, page);
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, await messageWithEvents(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId, c.env.ARCHIVE));
  })
  .openapi(cancel, async (c) => {
    requireScope(c.get("principal"), "send");
    const canceled = await cancelMessage(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId, c.get("requestId"));
    return envelope(c, canceled);
  });

function acceptContext(c: Context<IngestBindings>, tenantId: string) {
  return { db: c.get("db"), queue: c.env.DELIVERY_QUEUE, attachments: c.env.ATTACHMENTS, tenantId, requestId: c.get("requestId") };
}
