import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { PRIORITIES } from "../../../shared/analysis/analysis-result";
import { conversationSettingsSchema, replyRequestSchema, updateConversationSchema } from "../../../shared/domain/conversation";
import { CONVERSATION_STATUSES } from "../../../shared/domain/conversation-status";
import { CHANNELS } from "../../../shared/domain/enums";
import { ForbiddenError } from "../../../shared/http/errors";
import type { IngestBindings } from "../context";
import { type Principal, requireScope, sendingTenant, tenantScope } from "../principal";
import { answer, envelope } from "../respond";
import { idempotencyKeyOf, idempotencyParameter, idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { conversationChangesSchema, conversationSchema, listOf, messageSchema } from "../schemas/views";
import { acceptMessages } from "../services/accept-messages";
import { conversationChanges } from "../services/conversation-changes";
import {
  conversationMessages,
  conversationSettingsOf,
  findConversation,
  getConversation,
  listConversations,
  markRead,
  replyRequest,
  replyThreading,
  saveConversationSettings,
  setConversationStatus,
} from "../services/conversations";
import { requestFingerprint } from "../services/request-fingerprint";
import { renderRequests } from "../services/templated-messages";

const tags = ["Conversations"];
const id = idParam("cnv_V1StGXR8Z5jdHi6BmyT12");
const writes = "Needs a tenant's key with the `send` scope.";

const listQuery = pageQuery.extend({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  contactId: z.string().max(64).optional(),
  q: z.string().max(200).optional().meta({
    description: "Text the counterpart, the last message's preview or the contact's name contains (any case), at most 200 characters",
  }),
  priority: z.enum(PRIORITIES).optional().meta({ description: "Only conversations whose analysis gave this priority" }),
  category: z.string().max(64).optional().meta({ description: "Only conversations whose analysis gave this category" }),
  sort: z.enum(["activity", "priority"]).default("activity").meta({
    description: "`activity`: newest activity first (default); `priority`: urgent first (unanalysed last), newest within a priority",
  }),
});

const changesQuery = z.strictObject({
  since: z.string().max(100).optional().meta({ description: "`next` of the previous poll; none starts from the beginning" }),
  limit: z.coerce.number().int().min(1).max(100).default(100).meta({ description: "Changes per poll, at most 100" }),
  tenantId: z.string().max(64).optional().meta({ description: "Ops keys: the tenant to follow (required for them)" }),
});

const list = createRoute({
  method: "get",
  path: "/v1/conversations",
  tags,
  security: bearer,
  summary: "List conversations, newest activity first",
  request: { query: listQuery },
  responses: { 200: success(listOf(conversationSchema), "A page of conversations"), ...errors() },
});

const changes = createRoute({
  method: "get",
  path: "/v1/conversations/changes",
  tags,
  security: bearer,
  summary: "Poll for new and changed messages and conversations",
  description:
    "Conversation messages created or changed (status included) and conversations created or changed after `since`, in the order they changed. Following `next` sees every change exactly once, however writes interleave with the polls.",
  request: { query: changesQuery },
  responses: { 200: success(conversationChangesSchema, "What changed"), ...errors() },
});

const settings = createRoute({
  method: "get",
  path: "/v1/conversations/settings",
  tags,
  security: bearer,
  summary: "The tenant's conversation settings",
  responses: { 200: success(conversationSettingsSchema, "The settings"), ...errors() },
});

const putSettings = createRoute({
  method: "put",
  path: "/v1/conversations/settings",
  tags,
  security: bearer,
  summary: "Replace the tenant's conversation settings",
  description: "Needs a tenant's key with the `admin` scope.",
  request: jsonBody(conversationSettingsSchema),
  responses: { 200: success(conversationSettingsSchema, "Saved"), ...errors(413) },
});

const get = createRoute({
  method: "get",
  path: "/v1/conversations/{id}",
  tags,
  security: bearer,
  summary: "Get a conversation",
  request: { params: id },
  responses: { 200: success(conversationSchema, "The conversation"), ...errors(404) },
});

const messagesOf = createRoute({
  method: "get",
  path: "/v1/conversations/{id}/messages",
  tags,
  security: bearer,
  summary: "A conversation's messages, both directions, newest first",
  request: { params: id, query: pageQuery.omit({ tenantId: true }) },
  responses: { 200: success(listOf(messageSchema), "A page of messages"), ...errors(404) },
});

const reply = createRoute({
  method: "post",
  path: "/v1/conversations/{id}/messages",
  tags,
  security: bearer,
  summary: "Reply in a conversation",
  description: `${writes} An ordinary message to the counterpart, from our endpoint, in the platform's thread where there is one: accepted, queued and delivered like \`POST /v1/messages\`, with the same idempotency.`,
  parameters: [idempotencyParameter],
  request: { params: id, ...jsonBody(replyRequestSchema) },
  responses: { 202: success(messageSchema, "Accepted"), ...errors(404, 409, 413, 422, 503) },
});

const read = createRoute({
  method: "post",
  path: "/v1/conversations/{id}/read",
  tags,
  security: bearer,
  summary: "Mark a conversation read",
  description: writes,
  request: { params: id },
  responses: { 200: success(conversationSchema, "Read: no unread messages"), ...errors(404) },
});

const update = createRoute({
  method: "patch",
  path: "/v1/conversations/{id}",
  tags,
  security: bearer,
  summary: "Close or reopen a conversation",
  description: `${writes} A new inbound message reopens a closed conversation.`,
  request: { params: id, ...jsonBody(updateConversationSchema) },
  responses: { 200: success(conversationSchema, "Changed"), ...errors(404, 413) },
});

/** Changes are numbered per tenant, so an ops key follows one tenant at a time. */
function followedTenant(principal: Principal, requested?: string): string {
  const tenantId = tenantScope(principal, requested);
  if (!tenantId) throw new ForbiddenError("An ops key follows one tenant's changes: pass tenantId");
  return tenantId;
}

export const conversationRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "read");
    const query = c.req.valid("query");
    return envelope(c, await listConversations(c.get("db"), { ...query, tenantId: tenantScope(c.get("principal"), query.tenantId) }));
  })
  .openapi(changes, async (c) => {
    requireScope(c.get("principal"), "read");
    const query = c.req.valid("query");
    return envelope(
      c,
      await conversationChanges(c.get("db"), followedTenant(c.get("principal"), query.tenantId), query.since, query.limit),
    );
  })
  .openapi(settings, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, await conversationSettingsOf(c.get("db"), sendingTenantFor(c.get("principal"))));
  })
  .openapi(putSettings, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, await saveConversationSettings(c.get("db"), sendingTenantFor(c.get("principal")), c.req.valid("json")));
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, await getConversation(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId));
  })
  .openapi(messagesOf, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, await conversationMessages(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId, c.req.valid("query")));
  })
  .openapi(reply, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    const { conversation } = await findConversation(c.get("db"), c.req.valid("param").id, tenantId);
    const body = c.req.valid("json");
    const request = replyRequest(conversation, body);
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const route = `POST /v1/conversations/${conversation.id}/messages`;
    const claim = key ? { tenantId, key, requestHash: await requestFingerprint(route, body) } : undefined;
    const context = {
      db: c.get("db"),
      queue: c.env.DELIVERY_QUEUE,
      attachments: c.env.ATTACHMENTS,
      tenantId,
      requestId: c.get("requestId"),
      ...replyThreading(conversation),
    };
    const renderable = await renderRequests(c.get("db"), tenantId, [request], () => "");
    return answer(c, await acceptMessages(context, renderable, (views) => views[0], claim));
  })
  .openapi(read, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    return envelope(c, await markRead(c.get("db"), c.req.valid("param").id, tenantId));
  })
  .openapi(update, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    return envelope(c, await setConversationStatus(c.get("db"), c.req.valid("param").id, tenantId, c.req.valid("json").status));
  });

/** Settings belong to one tenant: a tenant's key. */
function sendingTenantFor(principal: Principal): string {
  if (principal.tenantId === null) throw new ForbiddenError("Conversation settings belong to a tenant; use a tenant's key");
  return principal.tenantId;
}
