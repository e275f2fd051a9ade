import { Hono } from "hono";
import type { ProviderConfigRow } from "../../../../shared/db/schema";
import { PROVIDER_TYPES, type ProviderType } from "../../../../shared/domain/enums";
import { createProviderSchema, updateProviderSchema } from "../../../../shared/domain/provider-config";
import { zodDetails } from "../../../../shared/http/envelope";
import { ConflictError, type ErrorDetail, InvalidInputError } from "../../../../shared/http/errors";
import { PROVIDERS } from "../../../../shared/providers/registry";
import type { IngestEnv } from "../../env";
import { isOps, type Principal, tenantScope } from "../../principal";
import { recordAudit } from "../../services/audit-log";
import { checkProvider } from "../../services/provider-check";
import { openConfig } from "../../services/provider-credentials";
import {
  configRulesFrom,
  createProvider,
  deleteProvider,
  findProvider,
  listProviders,
  providerView,
  updateProvider,
} from "../../services/providers";
import { findTenant, listTenants } from "../../services/tenants";
import { dashboardActor } from "../audit-actor";
import { BASE, type DashboardBindings, type DashboardContext, signedIn } from "../context";
import { type Form, field, formOf, requireConfirmation } from "../form";
import { doneNotice, withDone } from "../notices";
import { type CheckOutcome, ProviderPage, type SettingsView, type SetupView } from "../pages/provider";
import { NewProviderPage } from "../pages/provider-new";
import { ProvidersPage } from "../pages/providers";
import { configFromForm, configPatchFromForm, shownConfigValues } from "../provider-fields";
import { providerHealth } from "../provider-health";
import { render } from "../render";

function providerTypeOf(value: string | undefined): ProviderType | undefined {
  return PROVIDER_TYPES.find((type) => type === value);
}

/** Ops choose whose providers to see (`system` = the defaults); a tenant sees its own. */
function ownerScope(principal: Principal, owner: string): { tenantId: string | null; systemOnly: boolean } {
  if (!isOps(principal)) return { tenantId: principal.tenantId, systemOnly: false };
  if (owner === "system") return { tenantId: null, systemOnly: true };
  return { tenantId: tenantScope(principal, owner || undefined), systemOnly: false };
}

function createInput(principal: Principal, type: ProviderType, form: Form) {
  const priority = field(form, "priority")?.trim();
  const owner = field(form, "tenantId");
  return {
    type,
    name: field(form, "name") ?? "",
    channel: field(form, "channel") || undefined,
    priority: priority ? (Number.isFinite(Number(priority)) ? Number(priority) : priority) : undefined,
    enabled: field(form, "enabled") === "yes",
    config: configFromForm(type, form),
    // An ops key chooses the owner (empty = system default); a tenant's key always owns it.
    tenantId: isOps(principal) ? owner || null : undefined,
  };
}

/** What the form showed, to show it again after an error (secrets are never echoed). */
function echoed(form: Form): Record<string, string> {
  const values = Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  return { ...values, enabled: values.enabled === "yes" ? "yes" : "no" };
}

/** The provider's callback URLs on the webhooks worker's public URL, and the steps to give them to the provider. */
function setupOf(env: IngestEnv, row: ProviderConfigRow): SetupView | undefined {
  const module = PROVIDERS[row.type];
  const setup = module.setup;
  if (!setup || !module.callback) return undefined;
  const base = env.WEBHOOKS_PUBLIC_URL;
  const url = module.callback.url;
  const urls = base ? setup.urls.map(({ endpoint, label }) => ({ label, url: url.build(base, { providerId: row.id, endpoint }) })) : null;
  return { urls, steps: setup.steps };
}

/** The settings form's values: what was typed (after an error), else the stored config without its secrets. */
async function settingsOf(c: DashboardContext, row: ProviderConfigRow, typed?: SettingsView): Promise<SettingsView> {
  if (typed) return typed;
  try {
    const stored = shownConfigValues(row.type, await openConfig(configRulesFrom(c.env).keyring, row));
    return { values: Object.fromEntries(Object.entries(stored).map(([name, value]) => [`config.${name}`, value])) };
  } catch (error) {
    if (error instanceof ConflictError) return null;
    throw error;
  }
}

async function providerPage(
  c: DashboardContext,
  id: string,
  extra: { check?: CheckOutcome; done?: string; settings?: SettingsView } = {},
  status: 200 | 400 = 200,
) {
  const viewer = signedIn(c);
  const row = await findProvider(c.get("db"), viewer.principal, id);
  const provider = providerView(row);
  const [healthById, owner, settings] = await Promise.all([
    providerHealth(c.env, [provider.id]),
    provider.tenantId ? findTenant(c.get("db"), viewer.principal, provider.tenantId) : undefined,
    settingsOf(c, row, extra.settings),
  ]);
  const health = healthById.get(provider.id) ?? { state: "unknown" as const };
  const page = (
    <ProviderPage
      viewer={viewer}
      provider={provider}
      ownerName={owner?.name}
      health={health}
      setup={setupOf(c.env, row)}
      check={extra.check}
      done={extra.done}
      settings={settings}
    />
  );
  return render(c, page, status);
}

async function tenantsFor(c: DashboardContext) {
  return isOps(signedIn(c).principal) ? listTenants(c.get("db")) : [];
}

export const providerRoutes = new Hono<DashboardBindings>()
  .get("/providers", async (c) => {
    const viewer = signedIn(c);
    const owner = c.req.query("owner") ?? "";
    const scope = ownerScope(viewer.principal, owner);
    const [providers, tenants] = await Promise.all([listProviders(c.get("db"), scope.tenantId, scope.systemOnly), tenantsFor(c)]);
    const health = await providerHealth(
      c.env,
      providers.map((p) => p.id),
    );
    const done = doneNotice(c.req.query("done"));
    return render(c, <ProvidersPage viewer={viewer} owner={owner} tenants={tenants} providers={providers} health={health} done={done} />);
  })
  .get("/providers/new", async (c) => {
    const type = providerTypeOf(c.req.query("type"));
    return render(c, <NewProviderPage viewer={signedIn(c)} type={type} tenants={await tenantsFor(c)} values={{}} />);
  })
  .post("/providers", async (c) => {
    const viewer = signedIn(c);
    const form = await formOf(c);
    const type = providerTypeOf(field(form, "type"));
    if (!type) throw new InvalidInputError("Choose a provider type first");
    const failed = async (error: string, details?: InvalidInputError["details"]) =>
      render(
        c,
        <NewProviderPage viewer={viewer} type={type} tenants={await tenantsFor(c)} values={echoed(form)} error={error} details={details} />,
        400,
      );
    // The API's own request schema, then the same service: the same rules as POST /v1/providers.
    const input = createProviderSchema.safeParse(createInput(viewer.principal, type, form));
    if (!input.success) return failed("The provider was not added. Check the fields marked below.", zodDetails(input.error));
    try {
      const provider = await createProvider(c.get("db"), configRulesFrom(c.env), viewer.principal, input.data);
      await recordAudit(c.get("db"), dashboardActor(c), { action: "provider.create", tenantId: provider.tenantId, target: provider.id });
      return c.redirect(withDone(`${BASE}/providers/${provider.id}`, "provider-created"), 303);
    } catch (error) {
      if (error instanceof InvalidInputError) return failed(`The provider was not added. ${error.message}.`, error.details);
      throw error;
    }
  })
  .get("/providers/:id", (c) => providerPage(c, c.req.param("id"), { done: doneNotice(c.req.query("done")) }))
  .post("/providers/:id/test", async (c) => {
    const row = await findProvider(c.get("db"), signedIn(c).principal, c.req.param("id"));
    const check = await checkProvider(configRulesFrom(c.env), row);
    return providerPage(c, row.id, { check });
  })
  .post("/providers/:id/settings", async (c) => {
    const viewer = signedIn(c);
    const row = await findProvider(c.get("db"), viewer.principal, c.req.param("id"));
    const form = await formOf(c);
    const typed = (error: string, details?: ErrorDetail[]) => ({ values: echoed(form), error, details });
    const notSaved = "The settings were not saved. Check the fields marked below.";
    const input = updateProviderSchema.safeParse({ name: field(form, "name") ?? "", config: configPatchFromForm(row.type, form) });
    if (!input.success) return providerPage(c, row.id, { settings: typed(notSaved, zodDetails(input.error)) }, 400);
    try {
      const provider = await updateProvider(c.get("db"), configRulesFrom(c.env), viewer.principal, row.id, input.data);
      // The names of the fields changed, never their values: a config holds secrets.
      const details = { fields: ["name", "config"], configFields: Object.keys(input.data.config ?? {}) };
      await recordAudit(c.get("db"), dashboardActor(c), {
        action: "provider.update",
        tenantId: provider.tenantId,
        target: provider.id,
        details,
      });
      return c.redirect(withDone(`${BASE}/providers/${provider.id}`, "provider-saved"), 303);
    } catch (error) {
      if (error instanceof InvalidInputError)
        return providerPage(c, row.id, { settings: typed(`${notSaved} ${error.message}.`, error.details) }, 400);
      throw error;
    }
  })
  .post("/providers/:id/enabled", async (c) => {
    const enabled = field(await formOf(c), "enabled") === "true";
    const input = updateProviderSchema.parse({ enabled });
    const provider = await updateProvider(c.get("db"), configRulesFrom(c.env), signedIn(c).principal, c.req.param("id"), input);
    const details = { fields: ["enabled"], enabled };
    await recordAudit(c.get("db"), dashboardActor(c), {
      action: "provider.update",
      tenantId: provider.tenantId,
      target: provider.id,
      details,
    });
    return c.redirect(withDone(`${BASE}/providers/${provider.id}`, enabled ? "enabled" : "disabled"), 303);
  })
  .post("/providers/:id/priority", async (c) => {
    const raw = field(await formOf(c), "priority")?.trim() ?? "";
    const input = updateProviderSchema.safeParse({ priority: raw && Number.isFinite(Number(raw)) ? Number(raw) : raw });
    if (!input.success) throw new InvalidInputError("The priority must be a whole number from 0 to 100", zodDetails(input.error));
    const provider = await updateProvider(c.get("db"), configRulesFrom(c.env), signedIn(c).principal, c.req.param("id"), input.data);
    const details = { fields: ["priority"], priority: provider.priority };
    await recordAudit(c.get("db"), dashboardActor(c), {
      action: "provider.update",
      tenantId: provider.tenantId,
      target: provider.id,
      details,
    });
    return c.redirect(withDone(`${BASE}/providers/${provider.id}`, "priority"), 303);
  })
  .post("/providers/:id/delete", async (c) => {
    requireConfirmation(await formOf(c));
    const owner = (await findProvider(c.get("db"), signedIn(c).principal, c.req.param("id"))).tenantId;
    const deleted = await deleteProvider(c.get("db"), signedIn(c).principal, c.req.param("id"));
    await recordAudit(c.get("db"), dashboardActor(c), { action: "provider.delete", tenantId: owner, target: deleted.id });
    return c.redirect(withDone(`${BASE}/providers`, "provider-deleted"), 303);
  });
