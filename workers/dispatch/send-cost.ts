import type { MessageRow, ProviderConfigRow } from "../../shared/db/schema";
import { priceOf } from "../../shared/domain/pricing";

export type SendCost = { cost?: number; currency?: string };

/** `priceLater`: no price yet, but the provider can be asked for it after the send (see price-lookups.ts). */
export type SendCostOrLater = SendCost & { priceLater?: true };

/**
 * What a send cost: the provider's own price when it reports one, else the provider's configured
 * unit price, else — when the provider prices sends only later — a note to ask it.
 */
export function sendCost(reported: SendCost, provider: ProviderConfigRow, row: MessageRow, pricesLater = false): SendCostOrLater {
  if (reported.cost !== undefined) return reported;
  if (provider.pricing) return { cost: priceOf(provider.pricing, row.segments), currency: provider.pricing.currency };
  return pricesLater ? { priceLater: true } : {};
}
