import { modelContext } from "./analysis-context";
import type { AnalysisOutcome } from "./analysis-result";
import type { AnalysisSettings } from "./analysis-settings";
import type { Transcript } from "./analyzer";
import { type AnalyzerEnv, analyzerFor } from "./analyzer-for";
import { rulesAnalysis } from "./rules-analyzer";

export type AnalysisRun = { outcome: AnalysisOutcome; budgetExceeded?: string };

export function labelsOf(settings: AnalysisSettings): readonly [string, ...string[]] {
  const [first, ...rest] = settings.categories;
  return [first ?? "other", ...rest];
}

/** Whether this month's model tokens have used up the tenant's budget, and how to say so. */
export function budgetSpent(settings: AnalysisSettings, tokensThisMonth: number): string | undefined {
  const budget = settings.monthlyTokenBudget;
  if (budget === null || tokensThisMonth < budget) return undefined;
  return `the monthly token budget (${budget}) is spent (${tokensThisMonth} used): the rules analyzer answered instead of the model`;
}

/**
 * One analysis by the tenant's analyzer. A model sees only the capped, optionally redacted
 * context; past the monthly budget the rules analyzer answers instead, and the run says why.
 */
export async function analyzeConversation(
  settings: AnalysisSettings,
  transcript: Transcript,
  env: AnalyzerEnv,
  tokensThisMonth: number,
  abortSignal?: AbortSignal,
): Promise<AnalysisRun> {
  const labels = labelsOf(settings);
  if (settings.analyzer === "rules") return { outcome: rulesAnalysis({ transcript, labels, rules: settings.rules }) };
  const spent = budgetSpent(settings, tokensThisMonth);
  if (spent) return { outcome: rulesAnalysis({ transcript, labels, rules: settings.rules }), budgetExceeded: spent };
  const context = modelContext(transcript, {
    maxMessages: settings.maxContextMessages,
    maxCharacters: settings.maxContextCharacters,
    redact: settings.redact,
  });
  const outcome = await analyzerFor(settings, env).analyze({ transcript: context, labels, rules: settings.rules, abortSignal });
  return { outcome };
}
