import { Hono } from "hono";
import { analysisSettingsRequestSchema } from "../../../../shared/analysis/analysis-settings";
import { analysisSettingsView, saveAnalysisSettings } from "../../../../shared/analysis/analysis-settings-store";
import { keyringFromEnv } from "../../../../shared/crypto/credential-cipher";
import { zodDetails } from "../../../../shared/http/envelope";
import { ForbiddenError, InvalidInputError } from "../../../../shared/http/errors";
import { outboundPolicyFromEnv } from "../../../../shared/providers/outbound-policy";
import { requireScope } from "../../principal";
import { checkAnalysisAddresses } from "../../services/conversation-analysis";
import { BASE, type DashboardBindings, signedIn } from "../context";
import { type Form, field, formOf } from "../form";
import { doneNotice, withDone } from "../notices";
import { AnalysisSettingsPage } from "../pages/analysis-settings";
import { render } from "../render";

const list = (text: string | undefined) =>
  (text ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

function parsedRules(text: string | undefined): unknown {
  try {
    return JSON.parse(text?.trim() || "[]");
  } catch {
    throw new InvalidInputError("The rules are not valid JSON", [{ path: "rules", message: "must be a JSON array" }]);
  }
}

const numberOr = (text: string | undefined, fallback: number | null) => (text?.trim() ? Number(text) : fallback);

/** The form as the API's request: the same schema validates both. */
function requestOf(form: Form) {
  const apiKey = field(form, "apiKey")?.trim();
  return {
    enabled: field(form, "enabled") === "true",
    analyzer: field(form, "analyzer"),
    model: field(form, "model")?.trim() || null,
    baseUrl: field(form, "baseUrl")?.trim() || null,
    ...(apiKey ? { apiKey } : {}),
    categories: list(field(form, "categories")),
    rules: parsedRules(field(form, "rules")),
    autoReplyCategories: list(field(form, "autoReplyCategories")),
    redact: field(form, "redact") === "true",
    monthlyTokenBudget: numberOr(field(form, "monthlyTokenBudget"), null),
    maxContextMessages: numberOr(field(form, "maxContextMessages"), 20),
    maxContextCharacters: numberOr(field(form, "maxContextCharacters"), 4000),
  };
}

function tenantOf(principal: { tenantId: string | null }): string {
  if (principal.tenantId === null) throw new ForbiddenError("Analysis settings belong to a tenant; sign in with a tenant's key");
  return principal.tenantId;
}

export const analysisRoutes = new Hono<DashboardBindings>()
  .get("/analysis", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    const settings = await analysisSettingsView(c.get("db"), tenantOf(viewer.principal));
    return render(c, <AnalysisSettingsPage viewer={viewer} settings={settings} done={doneNotice(c.req.query("done"))} />);
  })
  .post("/analysis", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "admin");
    const tenantId = tenantOf(viewer.principal);
    const parsed = analysisSettingsRequestSchema.safeParse(requestOf(await formOf(c)));
    if (!parsed.success) {
      const settings = await analysisSettingsView(c.get("db"), tenantId);
      return render(c, <AnalysisSettingsPage viewer={viewer} settings={settings} errors={zodDetails(parsed.error)} />, 400);
    }
    checkAnalysisAddresses(parsed.data, outboundPolicyFromEnv(c.env));
    await saveAnalysisSettings(c.get("db"), keyringFromEnv(c.env), tenantId, parsed.data);
    return c.redirect(withDone(`${BASE}/analysis`, "analysis-saved"), 303);
  });
