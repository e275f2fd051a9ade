import { readFileSync } from "node:fs";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { evalSetSchema } from "../../scripts/eval/eval-set";
import { evaluate, report } from "../../scripts/eval/score";
import { modelAnalyzer } from "../../shared/analysis/model-analyzer";
import { rulesAnalyzer } from "../../shared/analysis/rules-analyzer";

const set = evalSetSchema.parse(JSON.parse(readFileSync(new URL("./analysis-eval-set.json", import.meta.url), "utf8")));
const rules = [
  { pattern: "click here|you won", category: "spam", priority: "low" as const },
  { pattern: "charged|refund", category: "billing", priority: "high" as const },
  { pattern: "pedido|order", category: "order_status" },
];

describe("npm run eval:analysis", () => {
  it("scores the rules analyzer per field and per language", async () => {
    const score = await evaluate(rulesAnalyzer, set, rules, 2);
    // t1 billing/high, t2 order_status/normal, t3 spam/low right; t4 (German "Rechnung") matches no rule.
    // Rules say a reply is needed when the customer spoke last: wrong only for the spam (t3).
    expect(score).toMatchObject({
      analyzer: "rules",
      conversations: 4,
      category: 0.75,
      priority: 1,
      needsReply: 0.75,
      errors: 0,
      tokens: 0,
    });
    expect(score.byLanguage.de).toEqual({ conversations: 1, category: 0, priority: 1 });
    expect(report(score)).toContain("category 75.0 %, priority 100.0 %");
  });

  it("counts a model's failures as errors and its tokens", async () => {
    let call = 0;
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        call++;
        if (call === 1) throw new Error("model down");
        return {
          content: [
            {
              type: "text",
              text: JSON.stringify({
                category: "billing",
                priority: "normal",
                summary: "s",
                sentiment: "neutral",
                language: "en",
                needsReply: true,
                suggestedReply: null,
              }),
            },
          ],
          finishReason: { unified: "stop", raw: "stop" },
          usage: {
            inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
            outputTokens: { total: 5, text: 5, reasoning: undefined },
          },
          warnings: [],
        };
      },
    });
    const score = await evaluate(modelAnalyzer("openai-compatible", model), set, rules, 1);
    expect(score.errors).toBe(1);
    expect(score.tokens).toBe(45);
    expect(score.conversations).toBe(4);
  });
});
