import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { quotasSchema } from "../../../shared/domain/quotas";
import { API_KEY_SCOPES } from "../../../shared/domain/scopes";
import type { IngestBindings } from "../context";
import { requireOps, requireScope } from "../principal";
import { envelope } from "../respond";
import { idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { apiKeySchema, createdApiKeySchema, listOf, tenantSchema } from "../schemas/views";
import { apiActor, recordAudit } from "../services/audit-log";
import { offsetPageFrom, offsetPageOf } from "../services/cursor";
import { createTenant, findTenant, issueApiKey, listApiKeys, listTenants, revokeApiKey, updateTenant } from "../services/tenants";

const tags = ["Tenants and API keys"];
const tenantId = idParam("ten_V1StGXR8Z5jdHi6BmyT12");

const listQuery = pageQuery.omit({ tenantId: true });

const createTenantRequest = z.strictObject({ name: z.string().trim().min(1).max(100) }).meta({ id: "CreateTenantRequest" });
const updateTenantRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    quotas: quotasSchema.optional().meta({ description: "Replaces every quota (ops only); `{}` removes them all." }),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .meta({ description: "Days finished messages stay in D1 before the daily pass archives them to R2 (ops only; default 30)." }),
  })
  .meta({ id: "UpdateTenantRequest" });
const createKeyRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(3),
  })
  .meta({ id: "CreateApiKeyRequest" });

const create = createRoute({
  method: "post",
  path: "/v1/tenants",
  tags,
  security: bearer,
  summary: "Create a tenant (ops)",
  request: jsonBody(createTenantRequest),
  responses: { 201: success(tenantSchema, "Created"), ...errors(413) },
});

const list = createRoute({
  method: "get",
  path: "/v1/tenants",
  tags,
  security: bearer,
  summary: "List tenants (ops), oldest first",
  request: { query: listQuery },
  responses: { 200: success(listOf(tenantSchema), "A page of tenants"), ...errors() },
});

const get = createRoute({
  method: "get",
  path: "/v1/tenants/{id}",
  tags,
  security: bearer,
  summary: "Get a tenant",
  request: { params: tenantId },
  responses: { 200: success(tenantSchema, "The tenant"), ...errors(404) },
});

const update = createRoute({
  method: "patch",
  path: "/v1/tenants/{id}",
  tags,
  security: bearer,
  summary: "Rename a tenant, or set its monthly quotas (ops)",
  description:
    "A send past a channel's monthly quota is refused with `429 QUOTA_EXCEEDED` and nothing is stored. A quota counts every message accepted since the start of the month (UTC), including those before it was set; a change applies within 10 s everywhere.",
  request: { params: tenantId, ...jsonBody(updateTenantRequest) },
  responses: { 200: success(tenantSchema, "Updated"), ...errors(404, 413) },
});

const createKey = createRoute({
  method: "post",
  path: "/v1/tenants/{id}/api-keys",
  tags,
  security: bearer,
  summary: "Issue an API key for a tenant",
  description: "The key is in the answer this once; only its hash is stored. Needs the `admin` scope.",
  request: { params: tenantId, ...jsonBody(createKeyRequest) },
  responses: { 201: success(createdApiKeySchema, "Issued"), ...errors(404, 413) },
});

const listKeys = createRoute({
  method: "get",
  path: "/v1/tenants/{id}/api-keys",
  tags,
  security: bearer,
  summary: "List a tenant's API keys",
  request: { params: tenantId, query: listQuery },
  responses: { 200: success(listOf(apiKeySchema), "A page of keys, without secrets"), ...errors(404) },
});

const revokeKey = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  tags,
  security: bearer,
  summary: "Revoke an API key",
  request: { params: idParam("key_V1StGXR8Z5jdHi6BmyT12") },
  responses: { 200: success(apiKeySchema, "Revoked"), ...errors(404, 409) },
});

export const tenantRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(create, async (c) => {
    requireOps(c.get("principal"));
    const tenant = await createTenant(c.get("db"), c.req.valid("json").name);
    await recordAudit(c.get("db"), apiActor(c), { action: "tenant.create", tenantId: tenant.id, target: tenant.id });
    return envelope(c, tenant, 201);
  })
  .openapi(list, async (c) => {
    requireOps(c.get("principal"));
    const page = offsetPageFrom(c.req.valid("query"));
    return envelope(c, offsetPageOf(await listTenants(c.get("db"), page), page));
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, await findTenant(c.get("db"), c.get("principal"), c.req.valid("param").id));
  })
  .openapi(update, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, await updateTenant(c.get("db"), c.get("principal"), c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(createKey, async (c) => {
    requireScope(c.get("principal"), "admin");
    const tenant = await findTenant(c.get("db"), c.get("principal"), c.req.valid("param").id);
    const { name, scopes } = c.req.valid("json");
    const issued = await issueApiKey(c.get("db"), tenant.id, name, scopes);
    await recordAudit(c.get("db"), apiActor(c), {
      action: "api-key.issue",
      tenantId: tenant.id,
      target: issued.id,
      details: { name, scopes },
    });
    return envelope(c, issued, 201);
  })
  .openapi(listKeys, async (c) => {
    requireScope(c.get("principal"), "admin");
    const tenant = await findTenant(c.get("db"), c.get("principal"), c.req.valid("param").id);
    const page = offsetPageFrom(c.req.valid("query"));
    return envelope(c, offsetPageOf(await listApiKeys(c.get("db"), tenant.id, page), page));
  })
  .openapi(revokeKey, async (c) => {
    requireScope(c.get("principal"), "admin");
    const revoked = await revokeApiKey(c.get("db"), c.get("principal"), c.req.valid("param").id);
    await recordAudit(c.get("db"), apiActor(c), { action: "api-key.revoke", tenantId: revoked.tenantId, target: revoked.id });
    return envelope(c, revoked);
  });
