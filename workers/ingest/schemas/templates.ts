import { z } from "zod";
import { CHANNELS } from "../../../shared/domain/enums";
import { localeSchema, templateDataSchema, templatePartsSchema } from "../../../shared/domain/template-parts";

const timestamp = z.string().meta({ description: "ISO-8601 UTC", example: "2026-11-22T10:00:00.000Z" });
const name = z.string().trim().min(1).max(200);
const locales = z
  .record(localeSchema, templatePartsSchema)
  .refine((value) => Object.keys(value).length <= 50, "at most 50 locales")
  .meta({ description: "Other locales' content, keyed by language tag; a locale not here renders the default." });

export const createTemplateSchema = z
  .strictObject({
    name: name.meta({ description: "Unique per tenant", example: "welcome" }),
    channel: z.enum(CHANNELS),
    content: templatePartsSchema.meta({ description: "The default locale's Liquid sources" }),
    locales: locales.optional(),
    defaultLocale: localeSchema.default("en"),
  })
  .meta({ id: "CreateTemplateRequest" });
export type CreateTemplate = z.infer<typeof createTemplateSchema>;

export const updateTemplateSchema = z
  .strictObject({
    name: name.optional(),
    content: templatePartsSchema.optional(),
    locales: locales.optional().meta({ description: "Replaces every other locale" }),
    defaultLocale: localeSchema.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, "give at least one of name, content, locales, defaultLocale")
  .meta({ id: "UpdateTemplateRequest", description: "Every change writes a new version; earlier versions stay as they were." });
export type UpdateTemplate = z.infer<typeof updateTemplateSchema>;

export const renderTemplateSchema = z
  .strictObject({
    data: templateDataSchema.default({}),
    locale: localeSchema.optional(),
    version: z.number().int().min(1).optional().meta({ description: "Default: the current version" }),
  })
  .meta({ id: "RenderTemplateRequest" });

const versionFields = {
  version: z.number().int(),
  defaultLocale: z.string(),
  content: templatePartsSchema,
  locales: z.record(z.string(), templatePartsSchema),
};

export const templateSchema = z
  .object({
    id: z.string().meta({ example: "tpl_V1StGXR8Z5jdHi6BmyT12" }),
    tenantId: z.string(),
    name: z.string(),
    channel: z.enum(CHANNELS),
    ...versionFields,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Template", description: "A template with its current version's content." });

export const templateVersionSchema = z
  .object({ templateId: z.string(), ...versionFields, createdAt: timestamp })
  .meta({ id: "TemplateVersion" });

export const renderedTemplateSchema = z
  .object({
    templateId: z.string(),
    version: z.number().int(),
    locale: z.string().meta({ description: "The locale rendered (the request's, its language, or the default)" }),
    subject: z.string().nullable(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    title: z.string().nullable(),
  })
  .meta({ id: "RenderedTemplate" });
