import { z } from "zod";

export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];
/** Sorting rank: urgent first. */
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export const SENTIMENTS = ["positive", "neutral", "negative"] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export const ANALYZERS = ["rules", "workers-ai", "openai-compatible"] as const;
export type AnalyzerName = (typeof ANALYZERS)[number];

export const ANALYSIS_STATUSES = ["pending", "done", "failed"] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

/**
 * What a model must answer, validated by the AI SDK's structured output: the category is one of
 * the tenant's own labels, so no message can invent or rename one.
 */
export function modelOutputSchema(labels: readonly [string, ...string[]]) {
  return z.object({
    category: z.enum(labels).describe("One of the tenant's labels"),
    priority: z.enum(PRIORITIES),
    summary: z.string().min(1).max(500).describe("One or two sentences, in English"),
    sentiment: z.enum(SENTIMENTS),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)
      .describe("The customer's language, a BCP 47 tag such as en or es"),
    needsReply: z.boolean(),
    suggestedReply: z.string().max(1600).nullable().describe("A reply in the customer's language, or null when none is needed"),
  });
}
export type ModelOutput = z.infer<ReturnType<typeof modelOutputSchema>>;

/**
 * An analysis as any analyzer gives it. The rules analyzer leaves what it cannot know (summary,
 * sentiment, language, suggested reply) null; a category is null when no rule matched.
 */
export type AnalysisOutcome = {
  analyzer: AnalyzerName;
  category: string | null;
  priority: Priority;
  summary: string | null;
  sentiment: Sentiment | null;
  language: string | null;
  needsReply: boolean;
  suggestedReply: string | null;
  tokens: number;
};
