import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import { type OutboundPolicy, refusedUrl } from "../providers/outbound-policy";
import { type AnalysisSettings, DEFAULT_WORKERS_AI_MODEL } from "./analysis-settings";
import type { Analyzer } from "./analyzer";
import { modelAnalyzer } from "./model-analyzer";
import { rulesAnalyzer } from "./rules-analyzer";

export type ModelAnalyzerName = "workers-ai" | "openai-compatible";

/**
 * What building a model analyzer may need from the worker: the Workers AI binding and the outbound
 * address policy. `models` hands in a language model for an analyzer instead of building one
 * from the settings (the tests' AI SDK mock models).
 */
export type AnalyzerEnv = { AI?: Ai; policy: OutboundPolicy; models?: Partial<Record<ModelAnalyzerName, LanguageModel>> };

/** A setting that cannot work (no binding, a refused address): the analysis fails with this reason. */
export class AnalyzerUnavailableError extends Error {}

/** A redirect is an answer, never followed (as for providers). */
const noRedirects: typeof fetch = (input, init) => fetch(input, { ...init, redirect: "manual" });

export function analyzerFor(settings: AnalysisSettings, env: AnalyzerEnv): Analyzer {
  if (settings.analyzer !== "rules") {
    const given = env.models?.[settings.analyzer];
    if (given) return modelAnalyzer(settings.analyzer, given);
  }
  switch (settings.analyzer) {
    case "rules":
      return rulesAnalyzer;
    case "workers-ai": {
      if (!env.AI) throw new AnalyzerUnavailableError("the Workers AI binding (AI) is not configured on this worker");
      const workersAi = createWorkersAI({ binding: env.AI });
      return modelAnalyzer("workers-ai", workersAi(settings.model ?? DEFAULT_WORKERS_AI_MODEL));
    }
    case "openai-compatible": {
      const baseURL = settings.baseUrl ?? "";
      const refused = refusedUrl(baseURL, env.policy);
      if (refused) throw new AnalyzerUnavailableError(`baseUrl ${refused}`);
      const provider = createOpenAICompatible({
        name: "openai-compatible",
        baseURL,
        ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
        supportsStructuredOutputs: true,
        fetch: noRedirects,
      });
      return modelAnalyzer("openai-compatible", provider.chatModel(settings.model ?? ""));
    }
  }
}
