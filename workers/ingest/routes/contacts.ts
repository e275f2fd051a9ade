import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { contactView, createContactSchema, updateContactSchema } from "../../../shared/domain/contact";
import type { IngestBindings } from "../context";
import { requireScope, sendingTenant, tenantScope } from "../principal";
import { envelope } from "../respond";
import { idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { contactSchema, deletedSchema, listOf } from "../schemas/views";
import { createContact, deleteContact, findContact, listContacts, updateContact } from "../services/contacts";

const tags = ["Contacts"];
const id = idParam("ctc_V1StGXR8Z5jdHi6BmyT12");
const writes = "Needs a tenant's key with the `send` scope.";

const contactListQuery = pageQuery.extend({
  q: z.string().max(200).optional().meta({ description: "Text the name (any case), phone or email contains, at most 200 characters" }),
});

const create = createRoute({
  method: "post",
  path: "/v1/contacts",
  tags,
  security: bearer,
  summary: "Create a contact",
  description: `${writes} A phone number is normalised to E.164 and unique per tenant (409 \`CONFLICT\`).`,
  request: jsonBody(createContactSchema),
  responses: { 201: success(contactSchema, "Created"), ...errors(409, 413) },
});

const list = createRoute({
  method: "get",
  path: "/v1/contacts",
  tags,
  security: bearer,
  summary: "List contacts, newest first",
  request: { query: contactListQuery },
  responses: { 200: success(listOf(contactSchema), "A page of contacts"), ...errors() },
});

const get = createRoute({
  method: "get",
  path: "/v1/contacts/{id}",
  tags,
  security: bearer,
  summary: "Get a contact",
  request: { params: id },
  responses: { 200: success(contactSchema, "The contact"), ...errors(404) },
});

const update = createRoute({
  method: "patch",
  path: "/v1/contacts/{id}",
  tags,
  security: bearer,
  summary: "Change a contact",
  description: `${writes} Omitted fields keep their value; \`null\` clears one.`,
  request: { params: id, ...jsonBody(updateContactSchema) },
  responses: { 200: success(contactSchema, "Changed"), ...errors(404, 409, 413) },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/contacts/{id}",
  tags,
  security: bearer,
  summary: "Delete a contact",
  description: `${writes} Its conversations stay, without a contact.`,
  request: { params: id },
  responses: { 200: success(deletedSchema, "Deleted"), ...errors(404) },
});

export const contactRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(create, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    return envelope(c, await createContact(c.get("db"), tenantId, c.req.valid("json")), 201);
  })
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "read");
    const query = c.req.valid("query");
    return envelope(c, await listContacts(c.get("db"), { ...query, tenantId: tenantScope(c.get("principal"), query.tenantId) }));
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, contactView(await findContact(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId)));
  })
  .openapi(update, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    return envelope(c, await updateContact(c.get("db"), c.req.valid("param").id, tenantId, c.req.valid("json")));
  })
  .openapi(remove, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    return envelope(c, await deleteContact(c.get("db"), c.req.valid("param").id, tenantId));
  });
