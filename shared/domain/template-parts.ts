import { z } from "zod";
import type { Channel } from "./enums";
import { MAX_TEXT_LENGTH, MAX_VARIABLES_DEPTH, nestsDeeperThan } from "./message-content";

export const TEMPLATE_PART_NAMES = ["subject", "html", "text", "title"] as const;
export type TemplatePartName = (typeof TEMPLATE_PART_NAMES)[number];

/** Liquid sources of one locale of a template; which parts a channel takes is `templatePartIssues`. */
export const templatePartsSchema = z
  .strictObject({
    subject: z.string().min(1).max(2000).optional(),
    html: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
    text: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
    title: z.string().min(1).max(2000).optional(),
  })
  .meta({
    id: "TemplateContent",
    description:
      "Liquid sources. email: `subject` and `html` or `text` (text is made from the HTML when absent); push: `title` and `text`; other channels: `text`.",
  });
export type TemplateParts = z.infer<typeof templatePartsSchema>;

/** A BCP 47 language tag such as `en`, `fr-CA`, `zh-Hant-TW`. */
export const localeSchema = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "must be a language tag such as en or fr-CA");

export const templateDataSchema = z
  .record(z.string().max(200), z.unknown())
  .refine((value) => !nestsDeeperThan(value, MAX_VARIABLES_DEPTH), {
    message: `nests deeper than ${MAX_VARIABLES_DEPTH} levels`,
    abort: true,
  })
  .meta({ description: "The template's variables" });

type PartRules = { allowed: readonly TemplatePartName[]; required: readonly (readonly TemplatePartName[])[] };

function rulesFor(channel: Channel): PartRules {
  if (channel === "email") return { allowed: ["subject", "html", "text"], required: [["subject"], ["html", "text"]] };
  if (channel === "push") return { allowed: ["title", "text"], required: [["title"], ["text"]] };
  return { allowed: ["text"], required: [["text"]] };
}

export type PartIssue = { path: string; message: string };

/** What is wrong with `parts` as a `channel` template's content, each issue naming its part. */
export function templatePartIssues(channel: Channel, parts: TemplateParts, at: string): PartIssue[] {
  const rules = rulesFor(channel);
  const present = TEMPLATE_PART_NAMES.filter((name) => parts[name] !== undefined);
  const foreign = present
    .filter((name) => !rules.allowed.includes(name))
    .map((name) => ({ path: `${at}.${name}`, message: `a ${channel} template has no ${name} (it takes ${rules.allowed.join(", ")})` }));
  const missing = rules.required
    .filter((anyOf) => !anyOf.some((name) => parts[name] !== undefined))
    .map((anyOf) => ({ path: `${at}.${anyOf[0]}`, message: `a ${channel} template needs ${anyOf.join(" or ")}` }));
  return [...foreign, ...missing];
}

/** The locale to render: the exact tag, then its language alone, then the template's default. */
export function pickLocale(available: readonly string[], requested: string | undefined, defaultLocale: string): string {
  if (!requested) return defaultLocale;
  const lower = requested.toLowerCase();
  const exact = available.find((locale) => locale.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split("-")[0];
  return available.find((locale) => locale.toLowerCase() === language) ?? defaultLocale;
}
