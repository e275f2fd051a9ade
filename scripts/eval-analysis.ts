import { existsSync, readFileSync } from "node:fs";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { modelAnalyzer } from "../shared/analysis/model-analyzer";
import { rulesAnalyzer } from "../shared/analysis/rules-analyzer";
import { evalSetSchema, ruleSetSchema } from "./eval/eval-set";
import { evaluate, report } from "./eval/score";

/**
 * `npm run eval:analysis [conversations.json] [rules.json]`: scores the rules analyzer on the
 * labelled set, and an OpenAI-compatible model when ANALYSIS_EVAL_BASE_URL, ANALYSIS_EVAL_MODEL
 * (and ANALYSIS_EVAL_KEY, if the endpoint wants one) are set.
 */
const [setPath = "eval/analysis/conversations.json", rulesPath = "eval/analysis/rules.json"] = process.argv.slice(2);
if (!existsSync(setPath)) {
  console.error(`No labelled set at ${setPath}.`);
  process.exit(1);
}
const set = evalSetSchema.parse(JSON.parse(readFileSync(setPath, "utf8")));
const { rules } = ruleSetSchema.parse(JSON.parse(readFileSync(rulesPath, "utf8")));

console.log(`${set.conversations.length} conversations, ${set.labels.length} labels (${setPath}); rules from ${rulesPath}\n`);
console.log(report(await evaluate(rulesAnalyzer, set, rules)));

const baseURL = process.env.ANALYSIS_EVAL_BASE_URL;
const model = process.env.ANALYSIS_EVAL_MODEL;
if (baseURL && model) {
  const provider = createOpenAICompatible({
    name: "openai-compatible",
    baseURL,
    ...(process.env.ANALYSIS_EVAL_KEY ? { apiKey: process.env.ANALYSIS_EVAL_KEY } : {}),
    supportsStructuredOutputs: true,
  });
  console.log(`\n${model} at ${new URL(baseURL).host}:`);
  console.log(report(await evaluate(modelAnalyzer("openai-compatible", provider.chatModel(model)), set, rules)));
} else {
  console.log("\n(Set ANALYSIS_EVAL_BASE_URL and ANALYSIS_EVAL_MODEL, and ANALYSIS_EVAL_KEY if needed, to score a model too.)");
}
