import { z } from "zod";
import { PRIORITIES } from "./analysis-result";

/** A pattern whose group is itself repeated (`(a+)+`, `(a|b)*{2}`) can backtrack for ever: refused. */
const NESTED_QUANTIFIER = /\([^)]*[+*}][^)]*\)\s*[+*{]/;

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "iu");
    return true;
  } catch {
    return false;
  }
}

/**
 * A tenant's rule: a case-insensitive regular expression over the inbound text; the first rule
 * that matches and names a category decides the category, the first that names a priority the priority.
 */
export const analysisRuleSchema = z
  .strictObject({
    pattern: z
      .string()
      .min(1)
      .max(500)
      .refine(compiles, "must be a valid regular expression")
      .refine((pattern) => !NESTED_QUANTIFIER.test(pattern), "must not repeat a repeated group (it could run for ever)")
      .meta({
        description: "A regular expression, matched case-insensitively against the customer's messages (e.g. `refund|charged twice`)",
      }),
    category: z.string().min(1).max(64).optional(),
    priority: z.enum(PRIORITIES).optional(),
  })
  .refine((rule) => rule.category !== undefined || rule.priority !== undefined, "a rule sets a category, a priority or both")
  .meta({ id: "AnalysisRule" });
export type AnalysisRule = z.infer<typeof analysisRuleSchema>;
