import { z } from "zod";

/** Stripe's limits: 50 keys, 40-character keys, 500-character values. */
export const metadataSchema = z
  .record(z.string().min(1).max(40), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
  .refine((value) => Object.keys(value).length <= 50, "metadata holds at most 50 keys")
  .meta({ id: "Metadata", description: "Up to 50 keys of your own; values are short strings, numbers or booleans." });

export type Metadata = z.infer<typeof metadataSchema>;
