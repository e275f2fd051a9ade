import type { AnalysisOutcome } from "../../shared/analysis/analysis-result";
import type { Analyzer } from "../../shared/analysis/analyzer";
import type { EvalSet } from "./eval-set";

export type Score = {
  analyzer: string;
  conversations: number;
  category: number;
  priority: number;
  needsReply: number;
  /** Conversations the analyzer could not answer (a model error or invalid output). */
  errors: number;
  tokens: number;
  /** Accuracy per language: category and priority. */
  byLanguage: Record<string, { conversations: number; category: number; priority: number }>;
};

type Answer = { expected: EvalSet["conversations"][number]; outcome: AnalysisOutcome | undefined };

const share = (hits: number, total: number) => (total === 0 ? 0 : hits / total);

export function scoreOf(analyzer: string, answers: Answer[]): Score {
  const hits = (pick: (answer: Answer & { outcome: AnalysisOutcome }) => boolean, list: Answer[]) =>
    list.filter((answer): answer is Answer & { outcome: AnalysisOutcome } => answer.outcome !== undefined).filter(pick).length;
  const category = (answer: Answer & { outcome: AnalysisOutcome }) => answer.outcome.category === answer.expected.expected.category;
  const priority = (answer: Answer & { outcome: AnalysisOutcome }) => answer.outcome.priority === answer.expected.expected.priority;
  const byLanguage: Score["byLanguage"] = {};
  for (const language of [...new Set(answers.map((answer) => answer.expected.language))].sort()) {
    const list = answers.filter((answer) => answer.expected.language === language);
    byLanguage[language] = {
      conversations: list.length,
      category: share(hits(category, list), list.length),
      priority: share(hits(priority, list), list.length),
    };
  }
  return {
    analyzer,
    conversations: answers.length,
    category: share(hits(category, answers), answers.length),
    priority: share(hits(priority, answers), answers.length),
    needsReply: share(
      hits((answer) => answer.outcome.needsReply === answer.expected.expected.needsReply, answers),
      answers.length,
    ),
    errors: answers.filter((answer) => answer.outcome === undefined).length,
    tokens: answers.reduce((sum, answer) => sum + (answer.outcome?.tokens ?? 0), 0),
    byLanguage,
  };
}

/** Runs the analyzer over every conversation, a few at a time; a failed one counts as wrong. */
export async function evaluate(
  analyzer: Analyzer,
  set: EvalSet,
  rules: Parameters<Analyzer["analyze"]>[0]["rules"],
  concurrency = 4,
): Promise<Score> {
  const labels = set.labels.map((label) => label.name) as [string, ...string[]];
  const answers: Answer[] = [];
  const queue = [...set.conversations];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const conversation = next;
      const outcome = await analyzer
        .analyze({ transcript: { channel: conversation.channel, messages: conversation.messages }, labels, rules })
        .catch((error: unknown) => {
          console.error(`  ${conversation.id}: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        });
      answers.push({ expected: conversation, outcome });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return scoreOf(analyzer.name, answers);
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

export function report(score: Score): string {
  const lines = [
    `${score.analyzer}: ${score.conversations} conversations — category ${percent(score.category)}, priority ${percent(score.priority)}, needsReply ${percent(score.needsReply)}${score.errors ? `, ${score.errors} errors` : ""}${score.tokens ? `, ${score.tokens} tokens` : ""}`,
    ...Object.entries(score.byLanguage).map(
      ([language, part]) =>
        `  ${language.padEnd(4)} ${String(part.conversations).padStart(3)}  category ${percent(part.category).padStart(7)}  priority ${percent(part.priority).padStart(7)}`,
    ),
  ];
  return lines.join("\n");
}
