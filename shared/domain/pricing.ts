import { z } from "zod";

/** What one send through a provider costs when the provider reports no price itself. */
export const pricingSchema = z
  .strictObject({
    unit: z.enum(["message", "segment"]).meta({ description: "`segment`: per SMS segment; `message`: per message." }),
    amount: z.number().min(0).max(1_000),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD")
      .meta({ example: "USD" }),
  })
  .meta({ id: "Pricing" });

export type Pricing = z.infer<typeof pricingSchema>;

/** The cost of one send: per segment for SMS priced by the segment (at least one), else per message. */
export function priceOf(pricing: Pricing, segments: number | null): number {
  const units = pricing.unit === "segment" ? Math.max(segments ?? 1, 1) : 1;
  return Math.round(pricing.amount * units * 1e6) / 1e6;
}
