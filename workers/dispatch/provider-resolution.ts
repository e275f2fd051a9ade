import type { ProviderConfigRow } from "../../shared/db/schema";
import type { Channel, DevicePlatform } from "../../shared/domain/enums";
import { providerModule } from "../../shared/providers/registry";

export type ChainFor = (tenantId: string, channel: Channel, platform?: DevicePlatform) => ProviderConfigRow[];

/** Whether a provider of this type can reach a device of this platform (every provider, for other channels). */
function reaches(row: ProviderConfigRow, platform?: DevicePlatform): boolean {
  const platforms = providerModule(row.type)?.platforms;
  return !platform || !platforms || platforms.includes(platform);
}

/**
 * A (tenant, channel) uses the tenant's enabled configs by priority; only a tenant with
 * none for the channel uses the system defaults (tenantId null), also by priority. A push
 * goes only through the providers that reach its device's platform.
 */
export function providerChains(rows: ProviderConfigRow[]): ChainFor {
  return (tenantId, channel, platform) => {
    const own = rows.filter((row) => row.tenantId === tenantId && row.channel === channel);
    const chain = own.length > 0 ? own : rows.filter((row) => row.tenantId === null && row.channel === channel);
    return chain.filter((row) => reaches(row, platform));
  };
}

/** The chain with the preferred provider moved to the front; a provider not in it changes nothing. */
export function preferring(chain: ProviderConfigRow[], providerId: string | undefined): ProviderConfigRow[] {
  const preferred = providerId ? chain.find((row) => row.id === providerId) : undefined;
  return preferred ? [preferred, ...chain.filter((row) => row !== preferred)] : chain;
}
