import { Hono } from "hono";
import { z } from "zod";
import { API_KEY_SCOPES } from "../../../../shared/domain/scopes";
import { zodDetails } from "../../../../shared/http/envelope";
import { InvalidInputError } from "../../../../shared/http/errors";
import { isOps, requireOps } from "../../principal";
import { recordAudit } from "../../services/audit-log";
import { createTenant, findTenant, issueApiKey, listApiKeys, listTenants, revokeApiKey } from "../../services/tenants";
import { dashboardActor } from "../audit-actor";
import { BASE, type DashboardBindings, type DashboardContext, signedIn } from "../context";
import { field, fields, formOf, requireConfirmation } from "../form";
import { type IssuedKey, issuedKeyPath, keepIssuedKey, takeIssuedKey } from "../issued-key";
import { doneNotice, withDone } from "../notices";
import { TenantPage, TenantsPage } from "../pages/tenants";
import { render } from "../render";

// The same limits as the /v1 tenant and key requests.
const tenantName = z.string().trim().min(1).max(100);
const newKey = z.strictObject({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(3) });

async function tenantPage(c: DashboardContext, id: string, extra: { issued?: IssuedKey; done?: string } = {}) {
  const viewer = signedIn(c);
  const tenant = await findTenant(c.get("db"), viewer.principal, id);
  const keys = await listApiKeys(c.get("db"), tenant.id);
  return render(c, <TenantPage viewer={viewer} tenant={tenant} keys={keys} {...extra} />);
}

export const tenantRoutes = new Hono<DashboardBindings>()
  .get("/tenants", async (c) => {
    const viewer = signedIn(c);
    if (!isOps(viewer.principal)) return c.redirect(`${BASE}/tenants/${viewer.principal.tenantId}`, 303);
    const tenants = await listTenants(c.get("db"));
    return render(c, <TenantsPage viewer={viewer} tenants={tenants} done={doneNotice(c.req.query("done"))} />);
  })
  .post("/tenants", async (c) => {
    const viewer = signedIn(c);
    requireOps(viewer.principal);
    const name = tenantName.safeParse(field(await formOf(c), "name") ?? "");
    if (!name.success) throw new InvalidInputError("A tenant needs a name of 1 to 100 characters", zodDetails(name.error, ["name"]));
    const tenant = await createTenant(c.get("db"), name.data);
    await recordAudit(c.get("db"), dashboardActor(c), { action: "tenant.create", tenantId: tenant.id, target: tenant.id });
    return c.redirect(withDone(`${BASE}/tenants/${tenant.id}`, "tenant-created"), 303);
  })
  .get("/tenants/:id", (c) => tenantPage(c, c.req.param("id"), { done: doneNotice(c.req.query("done")) }))
  .post("/tenants/:id/keys", async (c) => {
    const viewer = signedIn(c);
    const tenant = await findTenant(c.get("db"), viewer.principal, c.req.param("id"));
    const form = await formOf(c);
    const input = newKey.safeParse({ name: field(form, "name") ?? "", scopes: fields(form, "scopes") });
    if (!input.success) throw new InvalidInputError("A key needs a name and at least one scope", zodDetails(input.error));
    const issued = await issueApiKey(c.get("db"), tenant.id, input.data.name, input.data.scopes);
    const details = { name: input.data.name, scopes: input.data.scopes };
    await recordAudit(c.get("db"), dashboardActor(c), { action: "api-key.issue", tenantId: tenant.id, target: issued.id, details });
    await keepIssuedKey(c, tenant.id, { name: issued.name, key: issued.key });
    return c.redirect(issuedKeyPath(tenant.id), 303);
  })
  .get("/tenants/:id/issued", async (c) => {
    const tenant = await findTenant(c.get("db"), signedIn(c).principal, c.req.param("id"));
    const issued = await takeIssuedKey(c, tenant.id);
    return tenantPage(c, tenant.id, issued ? { issued } : { done: doneNotice("key-shown-once") });
  })
  .post("/api-keys/:id/revoke", async (c) => {
    requireConfirmation(await formOf(c));
    const revoked = await revokeApiKey(c.get("db"), signedIn(c).principal, c.req.param("id"));
    await recordAudit(c.get("db"), dashboardActor(c), { action: "api-key.revoke", tenantId: revoked.tenantId, target: revoked.id });
    const back = revoked.tenantId ? `${BASE}/tenants/${revoked.tenantId}` : `${BASE}/tenants`;
    return c.redirect(withDone(back, "revoked"), 303);
  });
