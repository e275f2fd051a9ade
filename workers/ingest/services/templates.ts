import { and, asc, desc, eq, inArray, or } from "drizzle-orm";
import { type Database, isUniqueViolation } from "../../../shared/db/database";
import { type TemplateRow, type TemplateVersionRow, templates, templateVersions } from "../../../shared/db/schema";
import type { Channel } from "../../../shared/domain/enums";
import { newId } from "../../../shared/domain/ids";
import { type TemplateParts, templatePartIssues } from "../../../shared/domain/template-parts";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../../../shared/http/errors";
import { assertVisible, type Principal } from "../principal";
import type { CreateTemplate, UpdateTemplate } from "../schemas/templates";
import type { OffsetPage } from "./cursor";
import { syntaxIssues } from "./template-render";

export type TemplateWithVersion = { template: TemplateRow; version: TemplateVersionRow };

export function templateView({ template, version }: TemplateWithVersion) {
  return {
    id: template.id,
    tenantId: template.tenantId,
    name: template.name,
    channel: template.channel,
    version: version.version,
    defaultLocale: version.defaultLocale,
    content: version.content,
    locales: version.locales,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
}
export type TemplateView = ReturnType<typeof templateView>;

export function templateVersionView(row: TemplateVersionRow) {
  return {
    templateId: row.templateId,
    version: row.version,
    defaultLocale: row.defaultLocale,
    content: row.content,
    locales: row.locales,
    createdAt: row.createdAt,
  };
}

/** Templates belong to one tenant: an ops key reads them but writes through a tenant's key. */
function writingTenant(principal: Principal): string {
  if (principal.tenantId === null) throw new ForbiddenError("Templates are written with a tenant's admin key");
  return principal.tenantId;
}

type VersionContent = { channel: Channel; content: TemplateParts; locales: Record<string, TemplateParts>; defaultLocale: string };

/** Every locale must be a complete template for the channel, in valid Liquid. */
function assertValidContent(version: VersionContent): void {
  const issues = [
    ...templatePartIssues(version.channel, version.content, "content"),
    ...syntaxIssues(version.content, "content"),
    ...Object.entries(version.locales).flatMap(([locale, parts]) => [
      ...templatePartIssues(version.channel, parts, `locales.${locale}`),
      ...syntaxIssues(parts, `locales.${locale}`),
    ]),
  ];
  const defaultLower = version.defaultLocale.toLowerCase();
  if (Object.keys(version.locales).some((locale) => locale.toLowerCase() === defaultLower))
    issues.push({ path: `locales.${version.defaultLocale}`, message: "the default locale's content is `content`" });
  const seen = new Set<string>();
  for (const locale of Object.keys(version.locales)) {
    if (seen.has(locale.toLowerCase())) issues.push({ path: `locales.${locale}`, message: "the same locale twice (tags ignore case)" });
    seen.add(locale.toLowerCase());
  }
  if (issues.length > 0) throw new InvalidInputError("The template is not valid", issues);
}

function nameTaken(error: unknown): never {
  if (isUniqueViolation(error, "templates")) throw new ConflictError("A template of this tenant already has that name");
  throw error;
}

export async function createTemplate(db: Database, principal: Principal, input: CreateTemplate): Promise<TemplateView> {
  const tenantId = writingTenant(principal);
  const locales = input.locales ?? {};
  assertValidContent({ channel: input.channel, content: input.content, locales, defaultLocale: input.defaultLocale });
  const now = new Date().toISOString();
  const template: TemplateRow = {
    id: newId("template"),
    tenantId,
    name: input.name,
    channel: input.channel,
    currentVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  const version: TemplateVersionRow = {
    templateId: template.id,
    version: 1,
    defaultLocale: input.defaultLocale,
    content: input.content,
    locales,
    createdAt: now,
  };
  await db.batch([db.insert(templates).values(template), db.insert(templateVersions).values(version)]).catch(nameTaken);
  return templateView({ template, version });
}

const currentVersionJoin = and(eq(templateVersions.templateId, templates.id), eq(templateVersions.version, templates.currentVersion));

export async function listTemplates(db: Database, tenantId: string | null, page: OffsetPage): Promise<TemplateView[]> {
  const rows = await db
    .select({ template: templates, version: templateVersions })
    .from(templates)
    .innerJoin(templateVersions, currentVersionJoin)
    .where(tenantId ? eq(templates.tenantId, tenantId) : undefined)
    .orderBy(asc(templates.name), asc(templates.id))
    .limit(page.limit + 1)
    .offset(page.offset);
  return rows.map(templateView);
}

export async function findTemplate(db: Database, principal: Principal, id: string): Promise<TemplateWithVersion> {
  const [row] = await db
    .select({ template: templates, version: templateVersions })
    .from(templates)
    .innerJoin(templateVersions, currentVersionJoin)
    .where(eq(templates.id, id));
  if (!row) throw new NotFoundError("Template");
  assertVisible(principal, row.template.tenantId, "Template");
  return row;
}

export async function updateTemplate(db: Database, principal: Principal, id: string, patch: UpdateTemplate): Promise<TemplateView> {
  writingTenant(principal);
  const current = await findTemplate(db, principal, id);
  const now = new Date().toISOString();
  const version: TemplateVersionRow = {
    templateId: id,
    version: current.version.version + 1,
    defaultLocale: patch.defaultLocale ?? current.version.defaultLocale,
    content: patch.content ?? current.version.content,
    locales: patch.locales ?? current.version.locales,
    createdAt: now,
  };
  assertValidContent({ channel: current.template.channel, ...version });
  const template: TemplateRow = {
    ...current.template,
    name: patch.name ?? current.template.name,
    currentVersion: version.version,
    updatedAt: now,
  };
  // The version's primary key refuses a second n+1: of two concurrent updates, one wins and the other is told.
  await db
    .batch([
      db.insert(templateVersions).values(version),
      db
        .update(templates)
        .set({ name: template.name, currentVersion: version.version, updatedAt: now })
        .where(and(eq(templates.id, id), eq(templates.currentVersion, current.version.version))),
    ])
    .catch((error: unknown) => {
      if (isUniqueViolation(error, "template_versions"))
        throw new ConflictError("The template was changed at the same time; read it again and retry", { retryable: true });
      nameTaken(error);
    });
  return templateView({ template, version });
}

/** Messages keep what they rendered, so deleting a template changes no accepted message. */
export async function deleteTemplate(db: Database, principal: Principal, id: string) {
  writingTenant(principal);
  await findTemplate(db, principal, id);
  await db.batch([
    db.delete(templateVersions).where(eq(templateVersions.templateId, id)),
    db.delete(templates).where(eq(templates.id, id)),
  ]);
  return { id, deleted: true as const };
}

export async function listTemplateVersions(db: Database, principal: Principal, id: string, page: OffsetPage) {
  await findTemplate(db, principal, id);
  const rows = await db
    .select()
    .from(templateVersions)
    .where(eq(templateVersions.templateId, id))
    .orderBy(desc(templateVersions.version))
    .limit(page.limit + 1)
    .offset(page.offset);
  return rows.map(templateVersionView);
}

/** The template and the version asked for (the current one by default), for rendering. */
export async function templateVersionFor(db: Database, principal: Principal, id: string, version?: number): Promise<TemplateWithVersion> {
  const current = await findTemplate(db, principal, id);
  if (version === undefined || version === current.version.version) return current;
  const row = await db.query.templateVersions.findFirst({
    where: and(eq(templateVersions.templateId, id), eq(templateVersions.version, version)),
  });
  if (!row) throw new NotFoundError(`Version ${version} of the template`);
  return { template: current.template, version: row };
}

/** D1 binds at most 100 parameters per query: a batch's lookups go in slices below that. */
const IDS_PER_QUERY = 90;
const VERSIONS_PER_QUERY = 45;

function slices<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

export type BatchTemplates = { templates: Map<string, TemplateRow>; versions: Map<string, TemplateVersionRow> };
export const versionKey = (templateId: string, version: number) => `${templateId}@${version}`;

/** Every template a batch names (the tenant's only), with the versions it asks for. */
export async function templatesForBatch(
  db: Database,
  tenantId: string,
  wanted: { id: string; version?: number }[],
): Promise<BatchTemplates> {
  const ids = [...new Set(wanted.map((item) => item.id))];
  const templateRows = await Promise.all(
    slices(ids, IDS_PER_QUERY).map((part) =>
      db
        .select()
        .from(templates)
        .where(and(eq(templates.tenantId, tenantId), inArray(templates.id, part))),
    ),
  );
  const byId = new Map(templateRows.flat().map((row) => [row.id, row]));
  const pairs = new Map<string, { id: string; version: number }>();
  for (const item of wanted) {
    const template = byId.get(item.id);
    if (template)
      pairs.set(versionKey(item.id, item.version ?? template.currentVersion), {
        id: item.id,
        version: item.version ?? template.currentVersion,
      });
  }
  const versionRows = await Promise.all(
    slices([...pairs.values()], VERSIONS_PER_QUERY).map((part) =>
      db
        .select()
        .from(templateVersions)
        .where(or(...part.map((pair) => and(eq(templateVersions.templateId, pair.id), eq(templateVersions.version, pair.version))))),
    ),
  );
  return { templates: byId, versions: new Map(versionRows.flat().map((row) => [versionKey(row.templateId, row.version), row])) };
}
