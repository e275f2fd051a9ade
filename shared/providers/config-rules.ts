import type { ProviderType } from "../domain/enums";
import { type OutboundPolicy, refusedHost, refusedUrl } from "./outbound-policy";
import type { ProviderConfig } from "./provider";
import { PROVIDERS } from "./registry";

/** The last characters of the type's mask field, shown instead of the secret. */
export function maskOf(type: ProviderType, config: ProviderConfig): string {
  const field = PROVIDERS[type].config.maskField;
  const value = field ? config[field] : undefined;
  if (typeof value !== "string" || value.length === 0) return "";
  return `…${value.slice(-4)}`;
}

/** Each address field of a config that the outbound policy refuses, with why. */
export function refusedAddresses(type: ProviderType, config: ProviderConfig, policy: OutboundPolicy) {
  return PROVIDERS[type].config.outbound.flatMap(({ field, kind }) => {
    const value = config[field];
    if (typeof value !== "string") return [];
    const reason = kind === "url" ? refusedUrl(value, policy) : refusedHost(value, policy);
    return reason ? [{ field, message: reason }] : [];
  });
}
