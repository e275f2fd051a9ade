import { z } from "zod";
import { PRIORITIES } from "../../shared/analysis/analysis-result";

/** The labelled conversations `npm run eval:analysis` scores (eval/analysis/conversations.json). */
export const evalSetSchema = z.object({
  labels: z.array(z.object({ name: z.string(), description: z.string() })).min(1),
  conversations: z.array(
    z.object({
      id: z.string(),
      language: z.string(),
      channel: z.string(),
      messages: z.array(z.object({ direction: z.enum(["inbound", "outbound"]), text: z.string() })).min(1),
      expected: z.object({ category: z.string(), priority: z.enum(PRIORITIES), needsReply: z.boolean() }),
    }),
  ),
});
export type EvalSet = z.infer<typeof evalSetSchema>;

export const ruleSetSchema = z.object({
  rules: z.array(z.object({ pattern: z.string(), category: z.string().optional(), priority: z.enum(PRIORITIES).optional() })),
});
