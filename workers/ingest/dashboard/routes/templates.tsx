import { diffLines } from "diff";
import { Hono } from "hono";
import { CHANNELS, type Channel } from "../../../../shared/domain/enums";
import {
  pickLocale,
  TEMPLATE_PART_NAMES,
  type TemplateParts,
  templateDataSchema,
  templatePartIssues,
} from "../../../../shared/domain/template-parts";
import { zodDetails } from "../../../../shared/http/envelope";
import { type ErrorDetail, InvalidInputError } from "../../../../shared/http/errors";
import { isOps, tenantScope } from "../../principal";
import { createTemplateSchema, updateTemplateSchema } from "../../schemas/templates";
import { renderTemplate, syntaxIssues } from "../../services/template-render";
import {
  createTemplate,
  deleteTemplate,
  findTemplate,
  listTemplates,
  listTemplateVersions,
  templateVersionFor,
  templateView,
  updateTemplate,
} from "../../services/templates";
import { listTenants } from "../../services/tenants";
import { BASE, type DashboardBindings, type DashboardContext, signedIn } from "../context";
import { type Form, field, formOf, requireConfirmation } from "../form";
import { doneNotice, withDone } from "../notices";
import { type Preview, TemplatePage } from "../pages/template";
import { TemplateDiffPage } from "../pages/template-diff";
import { NewTemplatePage } from "../pages/template-new";
import { TemplatesPage } from "../pages/templates";
import { render } from "../render";
import type { TemplateFormValues } from "../template-fields";

const channelOf = (value: string | undefined): Channel | undefined => CHANNELS.find((channel) => channel === value);

function valuesOf(form: Form): TemplateFormValues {
  const keys = [...TEMPLATE_PART_NAMES, "name", "channel", "defaultLocale", "locales", "data", "locale"] as const;
  return Object.fromEntries(keys.map((key) => [key, field(form, key)]).filter(([, value]) => value !== undefined));
}

/** The parts typed in the form (it shows only the channel's); an empty box is an absent part. */
function partsFrom(values: TemplateFormValues): TemplateParts {
  const parts: TemplateParts = {};
  for (const part of TEMPLATE_PART_NAMES) {
    const source = values[part];
    if (source?.trim()) parts[part] = source;
  }
  return parts;
}

function jsonField(text: string | undefined, path: string): unknown {
  if (!text?.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${path} is not valid JSON`, [{ path, message: "not valid JSON" }]);
  }
}

/** What the current version's sources look like in the form. */
function formValuesOf(template: ReturnType<typeof templateView>): TemplateFormValues {
  const locales = Object.keys(template.locales).length ? JSON.stringify(template.locales, null, 2) : "";
  return { ...template.content, locales, data: "{}" };
}

async function templatePage(
  c: DashboardContext,
  id: string,
  extra: { values?: TemplateFormValues; preview?: Preview; error?: string; details?: ErrorDetail[] } = {},
  status: 200 | 400 = 200,
) {
  const viewer = signedIn(c);
  const template = templateView(await findTemplate(c.get("db"), viewer.principal, id));
  const versions = await listTemplateVersions(c.get("db"), viewer.principal, id, { limit: 100, offset: 0 });
  const page = (
    <TemplatePage
      viewer={viewer}
      template={template}
      versions={versions}
      values={extra.values ?? formValuesOf(template)}
      preview={extra.preview}
      error={extra.error}
      details={extra.details}
      done={doneNotice(c.req.query("done"))}
    />
  );
  return render(c, page, status);
}

async function previewOf(channel: Channel, defaultLocale: string, values: TemplateFormValues): Promise<Preview> {
  try {
    const content = partsFrom(values);
    const locales = (jsonField(values.locales, "locales") ?? {}) as Record<string, TemplateParts>;
    const data = templateDataSchema.safeParse(jsonField(values.data, "data") ?? {});
    if (!data.success) return { error: "The preview data is not a JSON object", details: zodDetails(data.error, ["data"]) };
    const issues = [...templatePartIssues(channel, content, "content"), ...syntaxIssues(content, "content")];
    if (issues.length) return { error: "The template is not valid", details: issues };
    const locale = pickLocale(Object.keys(locales), values.locale?.trim() || undefined, defaultLocale);
    const parts = locales[locale] ?? content;
    return { locale, rendered: await renderTemplate(channel, parts, data.data, { part: "template", data: "data" }) };
  } catch (error) {
    if (error instanceof InvalidInputError) return { error: error.message, details: error.details };
    throw error;
  }
}

export const templateRoutes = new Hono<DashboardBindings>()
  .get("/templates", async (c) => {
    const viewer = signedIn(c);
    const [templates, tenants] = await Promise.all([
      listTemplates(c.get("db"), tenantScope(viewer.principal), { limit: 100, offset: 0 }),
      isOps(viewer.principal) ? listTenants(c.get("db")) : [],
    ]);
    return render(c, <TemplatesPage viewer={viewer} templates={templates} tenants={tenants} done={doneNotice(c.req.query("done"))} />);
  })
  .get("/templates/new", (c) => render(c, <NewTemplatePage viewer={signedIn(c)} channel={channelOf(c.req.query("channel"))} values={{}} />))
  .post("/templates", async (c) => {
    const viewer = signedIn(c);
    const values = valuesOf(await formOf(c));
    const channel = channelOf(values.channel);
    if (!channel) throw new InvalidInputError("Choose a channel first");
    const failed = (error: string, details?: ErrorDetail[]) =>
      render(c, <NewTemplatePage viewer={viewer} channel={channel} values={values} error={error} details={details} />, 400);
    try {
      const input = createTemplateSchema.safeParse({
        name: values.name ?? "",
        channel,
        content: partsFrom(values),
        locales: jsonField(values.locales, "locales"),
        defaultLocale: values.defaultLocale?.trim() || undefined,
      });
      if (!input.success) return failed("The template was not created. Check the fields marked below.", zodDetails(input.error));
      const template = await createTemplate(c.get("db"), viewer.principal, input.data);
      return c.redirect(withDone(`${BASE}/templates/${template.id}`, "template-created"), 303);
    } catch (error) {
      if (error instanceof InvalidInputError) return failed(`The template was not created. ${error.message}.`, error.details);
      throw error;
    }
  })
  .get("/templates/:id", (c) => templatePage(c, c.req.param("id")))
  .post("/templates/:id/preview", async (c) => {
    const values = valuesOf(await formOf(c));
    const found = await findTemplate(c.get("db"), signedIn(c).principal, c.req.param("id"));
    return templatePage(c, found.template.id, {
      values,
      preview: await previewOf(found.template.channel, found.version.defaultLocale, values),
    });
  })
  .post("/templates/:id/versions", async (c) => {
    const viewer = signedIn(c);
    const values = valuesOf(await formOf(c));
    const found = await findTemplate(c.get("db"), viewer.principal, c.req.param("id"));
    const failed = (error: string, details?: ErrorDetail[]) => templatePage(c, found.template.id, { values, error, details }, 400);
    try {
      const input = updateTemplateSchema.safeParse({
        content: partsFrom(values),
        locales: jsonField(values.locales, "locales") ?? {},
      });
      if (!input.success) return failed("Nothing was saved. Check the fields marked below.", zodDetails(input.error));
      await updateTemplate(c.get("db"), viewer.principal, found.template.id, input.data);
      return c.redirect(withDone(`${BASE}/templates/${found.template.id}`, "template-saved"), 303);
    } catch (error) {
      if (error instanceof InvalidInputError) return failed(`Nothing was saved. ${error.message}.`, error.details);
      throw error;
    }
  })
  .post("/templates/:id/delete", async (c) => {
    requireConfirmation(await formOf(c));
    await deleteTemplate(c.get("db"), signedIn(c).principal, c.req.param("id"));
    return c.redirect(withDone(`${BASE}/templates`, "template-deleted"), 303);
  })
  .get("/templates/:id/diff", async (c) => {
    const viewer = signedIn(c);
    const id = c.req.param("id");
    const from = Number(c.req.query("from"));
    const to = Number(c.req.query("to"));
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1)
      throw new InvalidInputError("Choose two versions to compare", [{ path: "from", message: "a version number" }]);
    const [older, newer] = await Promise.all([
      templateVersionFor(c.get("db"), viewer.principal, id, from),
      templateVersionFor(c.get("db"), viewer.principal, id, to),
    ]);
    const sources = (version: typeof older.version): Record<string, string> => ({
      ...Object.fromEntries(TEMPLATE_PART_NAMES.map((part) => [part, version.content[part] ?? ""])),
      "default locale": version.defaultLocale,
      "other locales": JSON.stringify(version.locales, null, 2),
    });
    const a = sources(older.version);
    const b = sources(newer.version);
    const parts = Object.keys(a).map((part) => ({ part, changes: diffLines(a[part], b[part]) }));
    return render(c, <TemplateDiffPage viewer={viewer} templateId={id} name={older.template.name} from={from} to={to} parts={parts} />);
  });
