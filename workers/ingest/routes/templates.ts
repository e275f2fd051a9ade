import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { pickLocale } from "../../../shared/domain/template-parts";
import type { IngestBindings } from "../context";
import { requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import {
  createTemplateSchema,
  renderedTemplateSchema,
  renderTemplateSchema,
  templateSchema,
  templateVersionSchema,
  updateTemplateSchema,
} from "../schemas/templates";
import { deletedSchema, listOf } from "../schemas/views";
import { offsetPageFrom, offsetPageOf } from "../services/cursor";
import { renderTemplate } from "../services/template-render";
import {
  createTemplate,
  deleteTemplate,
  findTemplate,
  listTemplates,
  listTemplateVersions,
  templateVersionFor,
  templateView,
  updateTemplate,
} from "../services/templates";

const tags = ["Templates"];
const id = idParam("tpl_V1StGXR8Z5jdHi6BmyT12");
const writeNote = "Needs a tenant's key with the `admin` scope.";

const create = createRoute({
  method: "post",
  path: "/v1/templates",
  tags,
  security: bearer,
  summary: "Create a template",
  description: `Liquid sources per channel and locale; saved as version 1. ${writeNote}`,
  request: jsonBody(createTemplateSchema),
  responses: { 201: success(templateSchema, "Created"), ...errors(409, 413) },
});

const list = createRoute({
  method: "get",
  path: "/v1/templates",
  tags,
  security: bearer,
  summary: "List templates, by name",
  request: { query: pageQuery },
  responses: { 200: success(listOf(templateSchema), "A page of templates with their current versions"), ...errors() },
});

const get = createRoute({
  method: "get",
  path: "/v1/templates/{id}",
  tags,
  security: bearer,
  summary: "Get a template",
  request: { params: id },
  responses: { 200: success(templateSchema, "The template with its current version"), ...errors(404) },
});

const update = createRoute({
  method: "patch",
  path: "/v1/templates/{id}",
  tags,
  security: bearer,
  summary: "Change a template: a new version",
  description: `Writes version n+1 from the current version and the fields given; messages already accepted keep what they rendered. ${writeNote}`,
  request: { params: id, ...jsonBody(updateTemplateSchema) },
  responses: { 200: success(templateSchema, "The new current version"), ...errors(404, 409, 413) },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/templates/{id}",
  tags,
  security: bearer,
  summary: "Delete a template and its versions",
  description: `Accepted messages keep their rendered content. ${writeNote}`,
  request: { params: id },
  responses: { 200: success(deletedSchema, "Deleted"), ...errors(404) },
});

const versions = createRoute({
  method: "get",
  path: "/v1/templates/{id}/versions",
  tags,
  security: bearer,
  summary: "List a template's versions, newest first",
  request: { params: id, query: pageQuery.omit({ tenantId: true }) },
  responses: { 200: success(listOf(templateVersionSchema), "A page of versions"), ...errors(404) },
});

const render = createRoute({
  method: "post",
  path: "/v1/templates/{id}/render",
  tags,
  security: bearer,
  summary: "Preview a template with data (sends nothing)",
  description: "Renders exactly as a send would: the same locale fallback, escaping, strict variables and limits.",
  request: { params: id, ...jsonBody(renderTemplateSchema) },
  responses: { 200: success(renderedTemplateSchema, "The rendered parts; absent parts are null"), ...errors(404, 413) },
});

export const templateRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(create, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, await createTemplate(c.get("db"), c.get("principal"), c.req.valid("json")), 201);
  })
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "read");
    const query = c.req.valid("query");
    const page = offsetPageFrom(query);
    const rows = await listTemplates(c.get("db"), tenantScope(c.get("principal"), query.tenantId), page);
    return envelope(c, offsetPageOf(rows, page));
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, templateView(await findTemplate(c.get("db"), c.get("principal"), c.req.valid("param").id)));
  })
  .openapi(update, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, await updateTemplate(c.get("db"), c.get("principal"), c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(remove, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, await deleteTemplate(c.get("db"), c.get("principal"), c.req.valid("param").id));
  })
  .openapi(versions, async (c) => {
    requireScope(c.get("principal"), "read");
    const page = offsetPageFrom(c.req.valid("query"));
    const rows = await listTemplateVersions(c.get("db"), c.get("principal"), c.req.valid("param").id, page);
    return envelope(c, offsetPageOf(rows, page));
  })
  .openapi(render, async (c) => {
    requireScope(c.get("principal"), "read");
    const { data, locale, version } = c.req.valid("json");
    const found = await templateVersionFor(c.get("db"), c.get("principal"), c.req.valid("param").id, version);
    const chosen = pickLocale(Object.keys(found.version.locales), locale, found.version.defaultLocale);
    const parts = chosen === found.version.defaultLocale ? found.version.content : found.version.locales[chosen];
    const rendered = await renderTemplate(found.template.channel, parts, data, { part: "template", data: "data" });
    return envelope(c, { templateId: found.template.id, version: found.version.version, locale: chosen, ...rendered });
  });
