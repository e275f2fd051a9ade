import { Hono } from "hono";
import { createAlertRuleSchema, updateAlertRuleSchema } from "../../../../shared/domain/alert-rule";
import { zodDetails } from "../../../../shared/http/envelope";
import { InvalidInputError } from "../../../../shared/http/errors";
import { isOps } from "../../principal";
import {
  alertRuleView,
  createAlertRule,
  deleteAlertRule,
  findAlertRule,
  listAlertRules,
  updateAlertRule,
} from "../../services/alert-rules";
import { recordAudit } from "../../services/audit-log";
import { listProviders } from "../../services/providers";
import { listTenants } from "../../services/tenants";
import { dashboardActor } from "../audit-actor";
import { BASE, type DashboardBindings, type DashboardContext, signedIn } from "../context";
import { type Form, field, formOf, requireConfirmation } from "../form";
import { doneNotice, withDone } from "../notices";
import { type AlertFormValues, AlertRulePage, AlertsPage } from "../pages/alerts";
import { render } from "../render";

const PAGE = { limit: 100, offset: 0 };
const FORM_FIELDS = [
  "tenantId",
  "name",
  "kind",
  "threshold",
  "windowMinutes",
  "providerId",
  "minAttempts",
  "notify.channel",
  "notify.to",
  "cooldownMinutes",
];

/** The names the tables show instead of ids: the viewer's tenants and the providers a rule may watch. */
async function choices(c: DashboardContext) {
  const viewer = signedIn(c);
  const tenantId = isOps(viewer.principal) ? null : viewer.principal.tenantId;
  const [tenants, providers] = await Promise.all([
    isOps(viewer.principal) ? listTenants(c.get("db")) : [],
    listProviders(c.get("db"), tenantId),
  ]);
  return { tenants, providers };
}

function valuesOf(form: Form): AlertFormValues {
  return Object.fromEntries(FORM_FIELDS.map((name) => [name, field(form, name)?.trim() ?? ""]));
}

const numberOf = (value: string) => (value === "" ? undefined : Number(value));

/** The form as the API's request: empty fields left out, so the schema's defaults apply. */
function ruleInput(values: AlertFormValues, creating: boolean) {
  return {
    name: values.name || undefined,
    threshold: numberOf(values.threshold),
    windowMinutes: numberOf(values.windowMinutes),
    providerId: values.providerId || undefined,
    minAttempts: numberOf(values.minAttempts),
    notify: { channel: values["notify.channel"], to: values["notify.to"] },
    cooldownMinutes: numberOf(values.cooldownMinutes),
    ...(creating ? { kind: values.kind, tenantId: values.tenantId || undefined } : {}),
  };
}

async function rulePage(
  c: DashboardContext,
  id: string,
  extra: { values?: AlertFormValues; error?: string; details?: InvalidInputError["details"]; done?: string } = {},
  status: 200 | 400 = 200,
) {
  const viewer = signedIn(c);
  const rule = alertRuleView(await findAlertRule(c.get("db"), viewer.principal, id));
  return render(c, <AlertRulePage viewer={viewer} rule={rule} {...(await choices(c))} {...extra} />, status);
}

/** The dashboard's alert rules: the same schemas and services as /v1/alert-rules. */
export const alertRoutes = new Hono<DashboardBindings>()
  .get("/alerts", async (c) => {
    const viewer = signedIn(c);
    const tenantId = isOps(viewer.principal) ? null : viewer.principal.tenantId;
    const rules = await listAlertRules(c.get("db"), tenantId, PAGE);
    return render(c, <AlertsPage viewer={viewer} rules={rules} {...(await choices(c))} done={doneNotice(c.req.query("done"))} />);
  })
  .post("/alerts", async (c) => {
    const viewer = signedIn(c);
    const values = valuesOf(await formOf(c));
    const failed = async (error: string, details?: InvalidInputError["details"]) => {
      const rules = await listAlertRules(c.get("db"), isOps(viewer.principal) ? null : viewer.principal.tenantId, PAGE);
      const page = <AlertsPage viewer={viewer} rules={rules} {...(await choices(c))} values={values} error={error} details={details} />;
      return render(c, page, 400);
    };
    const input = createAlertRuleSchema.safeParse(ruleInput(values, true));
    if (!input.success) return failed("The rule was not added. Check the fields marked below.", zodDetails(input.error));
    try {
      const rule = await createAlertRule(c.get("db"), viewer.principal, input.data);
      await recordAudit(c.get("db"), dashboardActor(c), { action: "alert-rule.create", tenantId: rule.tenantId, target: rule.id });
      return c.redirect(withDone(`${BASE}/alerts/${rule.id}`, "alert-created"), 303);
    } catch (error) {
      if (error instanceof InvalidInputError) return failed(`The rule was not added. ${error.message}.`, error.details);
      throw error;
    }
  })
  .get("/alerts/:id", (c) => rulePage(c, c.req.param("id"), { done: doneNotice(c.req.query("done")) }))
  .post("/alerts/:id", async (c) => {
    const viewer = signedIn(c);
    const id = c.req.param("id");
    const values = valuesOf(await formOf(c));
    const input = updateAlertRuleSchema.safeParse(ruleInput(values, false));
    const notSaved = "The rule was not changed. Check the fields marked below.";
    if (!input.success) return rulePage(c, id, { values, error: notSaved, details: zodDetails(input.error) }, 400);
    try {
      const rule = await updateAlertRule(c.get("db"), viewer.principal, id, input.data);
      const details = { fields: Object.keys(input.data) };
      await recordAudit(c.get("db"), dashboardActor(c), { action: "alert-rule.update", tenantId: rule.tenantId, target: rule.id, details });
      return c.redirect(withDone(`${BASE}/alerts/${rule.id}`, "alert-saved"), 303);
    } catch (error) {
      if (error instanceof InvalidInputError)
        return rulePage(c, id, { values, error: `${notSaved} ${error.message}.`, details: error.details }, 400);
      throw error;
    }
  })
  .post("/alerts/:id/enabled", async (c) => {
    const enabled = field(await formOf(c), "enabled") === "true";
    const rule = await updateAlertRule(c.get("db"), signedIn(c).principal, c.req.param("id"), { enabled });
    const details = { fields: ["enabled"], enabled };
    await recordAudit(c.get("db"), dashboardActor(c), { action: "alert-rule.update", tenantId: rule.tenantId, target: rule.id, details });
    return c.redirect(withDone(`${BASE}/alerts/${rule.id}`, enabled ? "alert-enabled" : "alert-disabled"), 303);
  })
  .post("/alerts/:id/delete", async (c) => {
    requireConfirmation(await formOf(c));
    const deleted = await deleteAlertRule(c.get("db"), signedIn(c).principal, c.req.param("id"));
    await recordAudit(c.get("db"), dashboardActor(c), { action: "alert-rule.delete", tenantId: deleted.tenantId, target: deleted.id });
    return c.redirect(withDone(`${BASE}/alerts`, "alert-deleted"), 303);
  });
