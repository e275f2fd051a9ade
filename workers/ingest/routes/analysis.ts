import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { ANALYZERS } from "../../../shared/analysis/analysis-result";
import { analysisSettingsRequestSchema, analysisSettingsViewSchema } from "../../../shared/analysis/analysis-settings";
import { analysisSettingsView, saveAnalysisSettings } from "../../../shared/analysis/analysis-settings-store";
import { analysisViewSchema } from "../../../shared/analysis/analysis-view";
import { keyringFromEnv } from "../../../shared/crypto/credential-cipher";
import { ForbiddenError } from "../../../shared/http/errors";
import { outboundPolicyFromEnv } from "../../../shared/providers/outbound-policy";
import type { IngestBindings } from "../context";
import { type Principal, requireScope, sendingTenant } from "../principal";
import { envelope } from "../respond";
import { idParam } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { checkAnalysisAddresses, conversationEventsOf, draftReply, rerunAnalysis } from "../services/conversation-analysis";
import { findConversation } from "../services/conversations";

const tags = ["Conversation analysis"];
const id = idParam("cnv_V1StGXR8Z5jdHi6BmyT12");

const draftRequestSchema = z
  .strictObject({
    instruction: z.string().trim().min(1).max(500).optional().meta({ description: "What the reply should do, e.g. `offer a refund`" }),
  })
  .meta({ id: "DraftRequest" });

const draftSchema = z
  .object({
    text: z.string().meta({ description: "The suggested reply; send it with POST /v1/conversations/{id}/messages" }),
    analyzer: z.enum(ANALYZERS),
    tokens: z.number().int(),
  })
  .meta({ id: "Draft" });

const conversationEventSchema = z
  .object({
    id: z.string(),
    type: z
      .string()
      .meta({ description: "analysis.requested, analysis.done, analysis.attempt_failed, analysis.failed, analysis.budget_exceeded" }),
    reason: z.string(),
    data: z.record(z.string(), z.unknown()),
    occurredAt: z.string(),
  })
  .meta({ id: "ConversationEvent" });

const getSettings = createRoute({
  method: "get",
  path: "/v1/analysis/settings",
  tags,
  security: bearer,
  summary: "The tenant's analysis settings and this month's usage",
  responses: { 200: success(analysisSettingsViewSchema, "The settings (the key only as a mask)"), ...errors() },
});

const putSettings = createRoute({
  method: "put",
  path: "/v1/analysis/settings",
  tags,
  security: bearer,
  summary: "Replace the tenant's analysis settings",
  description:
    "Needs a tenant's key with the `admin` scope. `apiKey` is write-only: omitted keeps the stored key, null removes it. A `baseUrl` must be a public https URL.",
  request: jsonBody(analysisSettingsRequestSchema),
  responses: { 200: success(analysisSettingsViewSchema, "Saved"), ...errors(413) },
});

const analyze = createRoute({
  method: "post",
  path: "/v1/conversations/{id}/analyze",
  tags,
  security: bearer,
  summary: "Analyse a conversation again",
  description: "Needs the `send` scope (ops keys may re-run any tenant's). The analysis is `pending` until the analysis queue has run it.",
  request: { params: id },
  responses: { 202: success(analysisViewSchema, "Requested"), ...errors(404, 409) },
});

const draft = createRoute({
  method: "post",
  path: "/v1/conversations/{id}/draft",
  tags,
  security: bearer,
  summary: "Draft a reply with the tenant's model",
  description:
    "Needs the `send` scope. Sends nothing: send the text as an ordinary reply. Drafting needs a model: with the rules analyzer, analysis off or the month's token budget spent the answer is `409`.",
  request: { params: id, ...jsonBody(draftRequestSchema) },
  responses: { 200: success(draftSchema, "The suggested reply"), ...errors(404, 409, 413, 502) },
});

const events = createRoute({
  method: "get",
  path: "/v1/conversations/{id}/events",
  tags,
  security: bearer,
  summary: "A conversation's own events (analyses, failures, fallbacks), oldest first",
  request: { params: id },
  responses: { 200: success(z.object({ items: z.array(conversationEventSchema) }), "The events"), ...errors(404) },
});

/** Settings belong to one tenant: a tenant's key. */
function settingsTenant(principal: Principal): string {
  if (principal.tenantId === null) throw new ForbiddenError("Analysis settings belong to a tenant; use a tenant's key");
  return principal.tenantId;
}

export const analysisRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(getSettings, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, await analysisSettingsView(c.get("db"), settingsTenant(c.get("principal"))));
  })
  .openapi(putSettings, async (c) => {
    requireScope(c.get("principal"), "admin");
    const tenantId = settingsTenant(c.get("principal"));
    const request = c.req.valid("json");
    checkAnalysisAddresses(request, outboundPolicyFromEnv(c.env));
    return envelope(c, await saveAnalysisSettings(c.get("db"), keyringFromEnv(c.env), tenantId, request));
  })
  .openapi(analyze, async (c) => {
    requireScope(c.get("principal"), "send");
    const { conversation } = await findConversation(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId);
    return envelope(c, await rerunAnalysis(c.get("db"), c.env.ANALYSIS_QUEUE, conversation, c.get("principal").keyId), 202);
  })
  .openapi(draft, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    const { conversation } = await findConversation(c.get("db"), c.req.valid("param").id, tenantId);
    const deps = { keyring: keyringFromEnv(c.env), AI: c.env.AI, policy: outboundPolicyFromEnv(c.env) };
    return envelope(c, await draftReply(c.get("db"), deps, conversation, c.req.valid("json").instruction));
  })
  .openapi(events, async (c) => {
    requireScope(c.get("principal"), "read");
    const { conversation } = await findConversation(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId);
    return envelope(c, await conversationEventsOf(c.get("db"), conversation));
  });
