import type { MessageRow, ProviderConfigRow } from "../../shared/db/schema";
import { priceOf } from "../../shared/domain/pricing";

export type SendCost = { cost?: number; currency?: string };

/** What a send cost: the provider's own price when it reports one, else the provider's configured unit price. */
export function sendCost(reported: SendCost, provider: ProviderConfigRow, row: MessageRow): SendCost {
  if (reported.cost !== undefined) return reported;
  if (!provider.pricing) return {};
  return { cost: priceOf(provider.pricing, row.segments), currency: provider.pricing.currency };
}
