import { z } from "zod";
import { CHANNELS, type Channel } from "./enums";

/** Monthly quotas per channel; null removes a channel's quota. */
export const quotasSchema = z
  .partialRecord(z.enum(CHANNELS), z.number().int().min(0).max(1_000_000_000))
  .meta({ id: "Quotas", description: "Messages accepted per calendar month (UTC), per channel. A channel not named has no quota." });

export type Quotas = Partial<Record<Channel, number>>;

/** The quota period a time falls in (`YYYY-MM`, UTC) and when it ends. */
export function quotaPeriod(at: Date): { period: string; resetsAt: string } {
  const period = at.toISOString().slice(0, 7);
  const resetsAt = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)).toISOString();
  return { period, resetsAt };
}
