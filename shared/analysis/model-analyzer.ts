import { generateText, type LanguageModel, Output } from "ai";
import { analysisInstructions, analysisPrompt, draftInstructions, draftPrompt } from "./analysis-prompt";
import { type AnalysisOutcome, type AnalyzerName, modelOutputSchema } from "./analysis-result";
import type { Analyzer } from "./analyzer";

type ModelAnalyzerName = Exclude<AnalyzerName, "rules">;

/** The SDK's own retries are off: the analysis queue retries with backoff and dead-letters. */
const NO_SDK_RETRIES = 0;

function tokensOf(usage: { totalTokens?: number; inputTokens?: number; outputTokens?: number }): number {
  return usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}

/**
 * An analyzer over any AI SDK language model: structured output validated by a zod schema whose
 * category is an enum of the tenant's labels. Invalid or missing output throws, like a model error.
 */
export function modelAnalyzer(name: ModelAnalyzerName, model: LanguageModel): Analyzer {
  return {
    name,
    async analyze(input): Promise<AnalysisOutcome> {
      const result = await generateText({
        model,
        system: analysisInstructions(input.labels, input.rules),
        prompt: analysisPrompt(input.transcript),
        output: Output.object({ schema: modelOutputSchema(input.labels), name: "conversation_analysis" }),
        temperature: 0,
        maxRetries: NO_SDK_RETRIES,
        abortSignal: input.abortSignal,
      });
      return { analyzer: name, ...result.output, tokens: tokensOf(result.usage) };
    },
    async draft(input) {
      const result = await generateText({
        model,
        system: draftInstructions(),
        prompt: draftPrompt(input.transcript, input.instruction),
        maxRetries: NO_SDK_RETRIES,
        abortSignal: input.abortSignal,
      });
      const text = result.text.trim();
      if (!text) throw new Error("the model wrote no reply");
      return { text: text.slice(0, 1600), tokens: tokensOf(result.usage) };
    },
  };
}
