import type { AnalysisOutcome } from "./analysis-result";
import type { AnalysisRule } from "./analysis-rule";

export type TranscriptMessage = { direction: "inbound" | "outbound"; text: string };
/** A conversation as an analyzer sees it: its channel and messages, oldest first. */
export type Transcript = { channel: string; messages: TranscriptMessage[] };

export type AnalyzerInput = {
  transcript: Transcript;
  labels: readonly [string, ...string[]];
  rules: AnalysisRule[];
  abortSignal?: AbortSignal;
};

export type DraftInput = AnalyzerInput & { instruction?: string };

/** Every analyzer answers the same shape: rules, Workers AI, an OpenAI-compatible endpoint. */
export interface Analyzer {
  readonly name: AnalysisOutcome["analyzer"];
  analyze(input: AnalyzerInput): Promise<AnalysisOutcome>;
  /** A suggested reply; only a model can write one (the rules analyzer throws DraftNeedsModelError). */
  draft(input: DraftInput): Promise<{ text: string; tokens: number }>;
}

export class DraftNeedsModelError extends Error {
  constructor() {
    super("Drafting needs a model: set the analyzer to workers-ai or openai-compatible");
  }
}
