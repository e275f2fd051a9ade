import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { createAlertRuleSchema, updateAlertRuleSchema } from "../../../shared/domain/alert-rule";
import type { IngestBindings } from "../context";
import { requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { alertRuleSchema } from "../schemas/alert-rule-views";
import { idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { deletedSchema, listOf } from "../schemas/views";
import { alertRuleView, createAlertRule, deleteAlertRule, findAlertRule, listAlertRules, updateAlertRule } from "../services/alert-rules";
import { apiActor, recordAudit } from "../services/audit-log";
import { offsetPageFrom, offsetPageOf } from "../services/cursor";

const tags = ["Alert rules"];
const id = idParam("alr_V1StGXR8Z5jdHi6BmyT12");
const description =
  "Needs the `admin` scope. The dispatch cron checks every enabled rule once a minute; crossing the threshold sends one notification (a message of the tenant, through its providers), then nothing more while the condition holds or within the cool-down.";
const path = "/v1/alert-rules";

const create = createRoute({
  method: "post",
  path,
  tags,
  security: bearer,
  summary: "Add an alert rule",
  description,
  request: jsonBody(createAlertRuleSchema),
  responses: { 201: success(alertRuleSchema, "Created"), ...errors(409, 413) },
});

const list = createRoute({
  method: "get",
  path,
  tags,
  security: bearer,
  summary: "List alert rules",
  request: { query: pageQuery },
  responses: { 200: success(listOf(alertRuleSchema), "A page of rules, oldest first"), ...errors() },
});

const get = createRoute({
  method: "get",
  path: `${path}/{id}`,
  tags,
  security: bearer,
  summary: "Get an alert rule",
  request: { params: id },
  responses: { 200: success(alertRuleSchema, "The rule, with its state and last notification"), ...errors(404) },
});

const update = createRoute({
  method: "patch",
  path: `${path}/{id}`,
  tags,
  security: bearer,
  summary: "Change an alert rule",
  description: `${description} The kind cannot change.`,
  request: { params: id, ...jsonBody(updateAlertRuleSchema) },
  responses: { 200: success(alertRuleSchema, "Updated"), ...errors(404, 413) },
});

const remove = createRoute({
  method: "delete",
  path: `${path}/{id}`,
  tags,
  security: bearer,
  summary: "Delete an alert rule",
  request: { params: id },
  responses: { 200: success(deletedSchema, "Deleted"), ...errors(404) },
});

export const alertRuleRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(create, async (c) => {
    requireScope(c.get("principal"), "admin");
    const rule = await createAlertRule(c.get("db"), c.get("principal"), c.req.valid("json"));
    await recordAudit(c.get("db"), apiActor(c), { action: "alert-rule.create", tenantId: rule.tenantId, target: rule.id });
    return envelope(c, rule, 201);
  })
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "admin");
    const query = c.req.valid("query");
    const page = offsetPageFrom(query);
    return envelope(c, offsetPageOf(await listAlertRules(c.get("db"), tenantScope(c.get("principal"), query.tenantId), page), page));
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, alertRuleView(await findAlertRule(c.get("db"), c.get("principal"), c.req.valid("param").id)));
  })
  .openapi(update, async (c) => {
    requireScope(c.get("principal"), "admin");
    const input = c.req.valid("json");
    const rule = await updateAlertRule(c.get("db"), c.get("principal"), c.req.valid("param").id, input);
    const details = { fields: Object.keys(input) };
    await recordAudit(c.get("db"), apiActor(c), { action: "alert-rule.update", tenantId: rule.tenantId, target: rule.id, details });
    return envelope(c, rule);
  })
  .openapi(remove, async (c) => {
    requireScope(c.get("principal"), "admin");
    const { tenantId, ...deleted } = await deleteAlertRule(c.get("db"), c.get("principal"), c.req.valid("param").id);
    await recordAudit(c.get("db"), apiActor(c), { action: "alert-rule.delete", tenantId, target: deleted.id });
    return envelope(c, deleted);
  });
