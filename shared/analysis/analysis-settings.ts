import { z } from "zod";
import { baseUrlField, secretField } from "../providers/config-fields";
import { ANALYZERS, type AnalyzerName } from "./analysis-result";
import { type AnalysisRule, analysisRuleSchema } from "./analysis-rule";

export const DEFAULT_CATEGORIES = [
  "billing",
  "technical_issue",
  "order_status",
  "account_access",
  "cancellation",
  "sales_inquiry",
  "feedback",
  "spam",
];
export const DEFAULT_WORKERS_AI_MODEL = "@cf/meta/llama-3.1-8b-instruct";
export const DEFAULT_MAX_CONTEXT_MESSAGES = 20;
export const DEFAULT_MAX_CONTEXT_CHARACTERS = 4000;

const label = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "a label is 1–64 lower-case letters, digits, _ or -")
  .meta({ description: "A category label, e.g. `billing`" });

const common = {
  enabled: z.boolean().meta({ description: "Analyse conversations on new inbound messages" }),
  analyzer: z
    .enum(ANALYZERS)
    .meta({ description: "`rules` (the tenant's patterns, no AI), `workers-ai` (the AI binding) or `openai-compatible`" }),
  model: z
    .string()
    .min(1)
    .max(200)
    .nullable()
    .meta({ description: "The model name (workers-ai: default `@cf/meta/llama-3.1-8b-instruct`)" }),
  baseUrl: baseUrlField
    .nullable()
    .meta({ description: "openai-compatible: the API root, e.g. `https://api.example.com/v1` (`/chat/completions` is appended)" }),
  categories: z.array(label).min(1).max(50).meta({ description: "The tenant's labels; an analysis picks one of them" }),
  rules: z
    .array(analysisRuleSchema)
    .max(100)
    .meta({ description: "Patterns for the rules analyzer (and the fallback when the budget is spent)" }),
  autoReplyCategories: z.array(label).max(50).meta({
    description:
      "Send the model's suggested reply automatically when an analysis puts a conversation in one of these categories and says it needs a reply (empty: never; the default)",
  }),
  redact: z.boolean().meta({ description: "Replace phone numbers and email addresses before text leaves for a model" }),
  monthlyTokenBudget: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .nullable()
    .meta({ description: "Tokens per calendar month (UTC); past it the rules analyzer answers. null: no budget" }),
  maxContextMessages: z.number().int().min(1).max(100).meta({ description: "The newest messages a model sees (default 20)" }),
  maxContextCharacters: z.number().int().min(200).max(20_000).meta({ description: "At most this much text a model sees (default 4000)" }),
};

function consistent(
  settings: {
    analyzer: AnalyzerName;
    model: string | null;
    baseUrl: string | null;
    categories: string[];
    rules: AnalysisRule[];
    autoReplyCategories: string[];
  },
  ctx: z.RefinementCtx,
) {
  const known = new Set(settings.categories);
  if (settings.analyzer === "openai-compatible" && !settings.baseUrl)
    ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "openai-compatible needs baseUrl" });
  if (settings.analyzer === "openai-compatible" && !settings.model)
    ctx.addIssue({ code: "custom", path: ["model"], message: "openai-compatible needs model" });
  settings.rules.forEach((rule, index) => {
    if (rule.category && !known.has(rule.category))
      ctx.addIssue({ code: "custom", path: ["rules", index, "category"], message: "must be one of categories" });
  });
  settings.autoReplyCategories.forEach((category, index) => {
    if (!known.has(category)) ctx.addIssue({ code: "custom", path: ["autoReplyCategories", index], message: "must be one of categories" });
  });
  if (new Set(settings.categories).size !== settings.categories.length)
    ctx.addIssue({ code: "custom", path: ["categories"], message: "labels must be distinct" });
}

/** `PUT /v1/analysis/settings`: the whole settings; `apiKey` omitted keeps the stored key, null removes it. */
export const analysisSettingsRequestSchema = z
  .strictObject({
    enabled: common.enabled,
    analyzer: common.analyzer.default("workers-ai"),
    model: common.model.optional().transform((value) => value ?? null),
    baseUrl: common.baseUrl.optional().transform((value) => value ?? null),
    apiKey: secretField
      .nullable()
      .optional()
      .meta({ description: "openai-compatible: the bearer key (write-only; sealed like provider credentials)" }),
    categories: common.categories.default(DEFAULT_CATEGORIES),
    rules: common.rules.default([]),
    autoReplyCategories: common.autoReplyCategories.default([]),
    redact: common.redact.default(true),
    monthlyTokenBudget: common.monthlyTokenBudget.optional().transform((value) => value ?? null),
    maxContextMessages: common.maxContextMessages.default(DEFAULT_MAX_CONTEXT_MESSAGES),
    maxContextCharacters: common.maxContextCharacters.default(DEFAULT_MAX_CONTEXT_CHARACTERS),
  })
  .superRefine(consistent)
  .meta({ id: "AnalysisSettingsRequest" });
export type AnalysisSettingsRequest = z.infer<typeof analysisSettingsRequestSchema>;

/** The settings as the API shows them: the key only as a mask. */
export const analysisSettingsViewSchema = z
  .object({
    ...common,
    apiKeyMask: z.string().nullable().meta({ description: "The stored key's last characters (`…a1b2`), null when none" }),
    usage: z
      .object({ month: z.string(), tokens: z.number().int(), analyses: z.number().int(), fallbacks: z.number().int() })
      .meta({ description: "This calendar month (UTC): tokens used, analyses made, and how many fell back to rules over the budget" }),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "AnalysisSettings" });
export type AnalysisSettingsView = z.infer<typeof analysisSettingsViewSchema>;

/** What the analyzers work with (the key already opened). */
export type AnalysisSettings = Omit<AnalysisSettingsRequest, "apiKey"> & { apiKey: string | null };

/** A tenant without settings: analysis is off until it turns it on. */
export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = {
  enabled: false,
  analyzer: "workers-ai",
  model: null,
  baseUrl: null,
  apiKey: null,
  categories: DEFAULT_CATEGORIES,
  rules: [],
  autoReplyCategories: [],
  redact: true,
  monthlyTokenBudget: null,
  maxContextMessages: DEFAULT_MAX_CONTEXT_MESSAGES,
  maxContextCharacters: DEFAULT_MAX_CONTEXT_CHARACTERS,
};
