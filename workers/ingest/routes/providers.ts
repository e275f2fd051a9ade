import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { createProviderSchema, updateProviderSchema } from "../../../shared/domain/provider-config";
import type { IngestBindings } from "../context";
import { requireScope, tenantScope } from "../principal";
import { envelope } from "../respond";
import { idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { deletedSchema, listOf, providerSchema, providerTestSchema } from "../schemas/views";
import { apiActor, recordAudit } from "../services/audit-log";
import { offsetPageFrom, offsetPageOf } from "../services/cursor";
import { checkProvider } from "../services/provider-check";
import {
  configRulesFrom,
  createProvider,
  deleteProvider,
  findProvider,
  listProviders,
  providerView,
  updateProvider,
} from "../services/providers";

const tags = ["Providers"];
const id = idParam("prv_V1StGXR8Z5jdHi6BmyT12");
const description = "Needs the `admin` scope. Secrets in `config` are write-only: answers show `mask`.";

const create = createRoute({
  method: "post",
  path: "/v1/providers",
  tags,
  security: bearer,
  summary: "Add a provider",
  description,
  request: jsonBody(createProviderSchema),
  responses: { 201: success(providerSchema, "Created"), ...errors(413) },
});

const list = createRoute({
  method: "get",
  path: "/v1/providers",
  tags,
  security: bearer,
  summary: "List providers",
  description: "A tenant's own; ops keys see all, one tenant's (`tenantId`) or the system defaults (`system=true`).",
  request: {
    query: pageQuery.extend({ system: z.enum(["true", "false"]).optional() }),
  },
  responses: {
    200: success(listOf(providerSchema), "A page of providers, by channel and priority"),
    ...errors(),
  },
});

const get = createRoute({
  method: "get",
  path: "/v1/providers/{id}",
  tags,
  security: bearer,
  summary: "Get a provider",
  request: { params: id },
  responses: { 200: success(providerSchema, "The provider"), ...errors(404) },
});

const update = createRoute({
  method: "patch",
  path: "/v1/providers/{id}",
  tags,
  security: bearer,
  summary: "Change a provider",
  description,
  request: { params: id, ...jsonBody(updateProviderSchema) },
  responses: { 200: success(providerSchema, "Updated"), ...errors(404, 413) },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/providers/{id}",
  tags,
  security: bearer,
  summary: "Delete a provider",
  request: { params: id },
  responses: { 200: success(deletedSchema, "Deleted"), ...errors(404) },
});

const test = createRoute({
  method: "post",
  path: "/v1/providers/{id}/test",
  tags,
  security: bearer,
  summary: "Check a provider's credentials against the provider",
  request: { params: id },
  responses: { 200: success(providerTestSchema, "The result of the check"), ...errors(404, 502) },
});

export const providerRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(create, async (c) => {
    requireScope(c.get("principal"), "admin");
    const provider = await createProvider(c.get("db"), configRulesFrom(c.env), c.get("principal"), c.req.valid("json"));
    await recordAudit(c.get("db"), apiActor(c), { action: "provider.create", tenantId: provider.tenantId, target: provider.id });
    return envelope(c, provider, 201);
  })
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "admin");
    const query = c.req.valid("query");
    const tenantId = tenantScope(c.get("principal"), query.tenantId);
    const systemOnly = query.system === "true" && c.get("principal").tenantId === null;
    const page = offsetPageFrom(query);
    return envelope(c, offsetPageOf(await listProviders(c.get("db"), tenantId, systemOnly, page), page));
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "admin");
    return envelope(c, providerView(await findProvider(c.get("db"), c.get("principal"), c.req.valid("param").id)));
  })
  .openapi(update, async (c) => {
    requireScope(c.get("principal"), "admin");
    const input = c.req.valid("json");
    const provider = await updateProvider(c.get("db"), configRulesFrom(c.env), c.get("principal"), c.req.valid("param").id, input);
    // The names of the fields changed, never their values: a config holds secrets.
    const details = { fields: Object.keys(input), configFields: Object.keys(input.config ?? {}) };
    await recordAudit(c.get("db"), apiActor(c), { action: "provider.update", tenantId: provider.tenantId, target: provider.id, details });
    return envelope(c, provider);
  })
  .openapi(remove, async (c) => {
    requireScope(c.get("principal"), "admin");
    const owner = (await findProvider(c.get("db"), c.get("principal"), c.req.valid("param").id)).tenantId;
    const deleted = await deleteProvider(c.get("db"), c.get("principal"), c.req.valid("param").id);
    await recordAudit(c.get("db"), apiActor(c), { action: "provider.delete", tenantId: owner, target: deleted.id });
    return envelope(c, deleted);
  })
  .openapi(test, async (c) => {
    requireScope(c.get("principal"), "admin");
    const row = await findProvider(c.get("db"), c.get("principal"), c.req.valid("param").id);
    return envelope(c, await checkProvider(configRulesFrom(c.env), row));
  });
