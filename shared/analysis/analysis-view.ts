import { z } from "zod";
import type { ConversationAnalysisRow } from "../db/schema";
import { ANALYSIS_STATUSES, ANALYZERS, PRIORITIES, SENTIMENTS } from "./analysis-result";

export const analysisViewSchema = z
  .object({
    status: z
      .enum(ANALYSIS_STATUSES)
      .meta({ description: "`pending` (requested; the last result, if any, stays shown), `done`, `failed` (see `reason`)" }),
    analyzer: z.enum(ANALYZERS).nullable().meta({ description: "Who answered: `rules` is pattern matching, not AI" }),
    category: z.string().nullable().meta({ description: "One of the tenant's labels; null when the rules matched none" }),
    priority: z.enum(PRIORITIES).nullable(),
    summary: z.string().nullable(),
    sentiment: z.enum(SENTIMENTS).nullable(),
    language: z.string().nullable(),
    needsReply: z.boolean().nullable(),
    suggestedReply: z.string().nullable(),
    reason: z
      .string()
      .nullable()
      .meta({ description: "Why it failed (or the last try failed), or why rules answered instead of the model" }),
    tokens: z.number().int().meta({ description: "Model tokens the last analysis used" }),
    analyzedAt: z.string().nullable(),
  })
  .meta({ id: "ConversationAnalysis" });
export type AnalysisView = z.infer<typeof analysisViewSchema>;

export function analysisView(row: ConversationAnalysisRow): AnalysisView {
  return {
    status: row.status,
    analyzer: row.analyzer,
    category: row.category,
    priority: row.priority,
    summary: row.summary,
    sentiment: row.sentiment,
    language: row.language,
    needsReply: row.needsReply,
    suggestedReply: row.suggestedReply,
    reason: row.reason,
    tokens: row.tokens,
    analyzedAt: row.analyzedAt,
  };
}
