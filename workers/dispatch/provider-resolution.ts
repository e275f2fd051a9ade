import type { ProviderConfigRow } from "../../shared/db/schema";
import type { Channel } from "../../shared/domain/enums";

export type ChainFor = (tenantId: string, channel: Channel) => ProviderConfigRow[];

/**
 * A (tenant, channel) uses the tenant's enabled configs by priority; only a tenant with
 * none for the channel uses the system defaults (tenantId null), also by priority.
 */
export function providerChains(rows: ProviderConfigRow[]): ChainFor {
  return (tenantId, channel) => {
    const own = rows.filter((row) => row.tenantId === tenantId && row.channel === channel);
    return own.length > 0 ? own : rows.filter((row) => row.tenantId === null && row.channel === channel);
  };
}

/** The chain with the preferred provider moved to the front; a provider not in it changes nothing. */
export function preferring(chain: ProviderConfigRow[], providerId: string | undefined): ProviderConfigRow[] {
  const preferred = providerId ? chain.find((row) => row.id === providerId) : undefined;
  return preferred ? [preferred, ...chain.filter((row) => row !== preferred)] : chain;
}
