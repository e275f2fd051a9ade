import type { AnalysisOutcome, Priority } from "./analysis-result";
import type { AnalysisRule } from "./analysis-rule";
import { type Analyzer, type AnalyzerInput, DraftNeedsModelError } from "./analyzer";

function matches(rule: AnalysisRule, text: string): boolean {
  return new RegExp(rule.pattern, "iu").test(text);
}

/**
 * The tenant's own patterns, no AI: the first matching rule that names a category decides it,
 * the first that names a priority decides that (else `normal`). It reads only the customer's
 * messages and cannot summarise, judge sentiment or write replies.
 */
export function rulesAnalysis(input: Pick<AnalyzerInput, "transcript" | "rules" | "labels">): AnalysisOutcome {
  const inbound = input.transcript.messages.filter((message) => message.direction === "inbound").map((message) => message.text);
  const text = inbound.join("\n");
  const known = new Set<string>(input.labels);
  let category: string | null = null;
  let priority: Priority | null = null;
  for (const rule of input.rules) {
    if ((category !== null || !rule.category) && (priority !== null || !rule.priority)) continue;
    if (!matches(rule, text)) continue;
    if (category === null && rule.category && known.has(rule.category)) category = rule.category;
    if (priority === null && rule.priority) priority = rule.priority;
  }
  const last = input.transcript.messages.at(-1);
  return {
    analyzer: "rules",
    category,
    priority: priority ?? "normal",
    summary: null,
    sentiment: null,
    language: null,
    needsReply: last?.direction === "inbound",
    suggestedReply: null,
    tokens: 0,
  };
}

export const rulesAnalyzer: Analyzer = {
  name: "rules",
  analyze: async (input) => rulesAnalysis(input),
  draft: async () => {
    throw new DraftNeedsModelError();
  },
};
