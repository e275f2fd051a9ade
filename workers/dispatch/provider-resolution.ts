import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Database } from "../../shared/db/database";
import { type ProviderConfigRow, providerConfigs } from "../../shared/db/schema";
import type { Channel } from "../../shared/domain/enums";

/**
 * One query for the whole batch: every enabled config of the batch's tenants and the system
 * defaults. A (tenant, channel) uses its own configs by priority, else the defaults.
 */
export async function loadProviderChains(db: Database, tenantIds: string[]) {
  const rows = await db
    .select()
    .from(providerConfigs)
    .where(
      and(
        eq(providerConfigs.enabled, true),
        or(isNull(providerConfigs.tenantId), tenantIds.length ? inArray(providerConfigs.tenantId, tenantIds) : undefined),
      ),
    )
    .orderBy(asc(providerConfigs.priority), asc(providerConfigs.createdAt));
  return (tenantId: string, channel: Channel): ProviderConfigRow[] => {
    const own = rows.filter((row) => row.tenantId === tenantId && row.channel === channel);
    return own.length > 0 ? own : rows.filter((row) => row.tenantId === null && row.channel === channel);
  };
}
