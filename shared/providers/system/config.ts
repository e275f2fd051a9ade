import { z } from "zod";
import type { ConfigSpec } from "../provider";

export const systemConfigSchema = z.strictObject({
  fail: z.enum(["transient", "permanent"]).optional(),
  /** Each send waits this long first, to watch a slow provider locally. */
  latencyMs: z.number().int().min(0).max(30_000).optional(),
});
export type SystemConfig = z.infer<typeof systemConfigSchema>;

export const systemConfig: ConfigSpec<SystemConfig> = {
  schema: systemConfigSchema,
  maskField: null,
  outbound: [],
  form: [
    {
      name: "fail",
      label: "Fail on purpose",
      kind: "select",
      options: ["", "transient", "permanent"],
      hint: "For demonstrations of failover",
    },
  ],
};
