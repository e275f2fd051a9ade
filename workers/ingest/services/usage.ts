import { sql } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { quotaPeriod } from "../../../shared/domain/quotas";
import { InvalidInputError } from "../../../shared/http/errors";
import { isOps, type Principal, tenantScope } from "../principal";
import type { UsageRequest } from "../schemas/params";

export const USAGE_GROUPS = ["day", "channel", "provider", "tenant"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export type UsageQuery = { from: string; to: string; groupBy: UsageGroup; tenantId: string | null };
export type UsageItem = { key: string; messages: number; segments: number; cost: number; currency: string | null };

const KEYS: Record<UsageGroup, ReturnType<typeof sql>> = {
  day: sql`substr(created_at, 1, 10)`,
  channel: sql`channel`,
  provider: sql`coalesce(provider_id, 'none')`,
  tenant: sql`tenant_id`,
};

/**
 * Messages, SMS segments and cost per key and currency, from the messages themselves — so the
 * totals always equal the sum of the messages' own costs. The range goes through the
 * (tenant_id, created_at) index; without a tenant, through it once per tenant.
 */
export async function usage(db: Database, query: UsageQuery): Promise<UsageItem[]> {
  const tenants = query.tenantId === null ? sql`(SELECT id FROM tenants)` : sql`(${query.tenantId})`;
  const key = KEYS[query.groupBy];
  const rows = await db.all<{ key: string; messages: number; segments: number | null; cost: number | null; currency: string | null }>(
    sql`SELECT ${key} AS key, count(*) AS messages, sum(segments) AS segments, sum(cost) AS cost, currency
        FROM messages
        WHERE tenant_id IN ${tenants} AND created_at >= ${query.from} AND created_at < ${query.to}
        GROUP BY 1, currency
        ORDER BY 1, currency`,
  );
  return rows.map((row) => ({
    key: row.key,
    messages: row.messages,
    segments: row.segments ?? 0,
    cost: Math.round((row.cost ?? 0) * 1e6) / 1e6,
    currency: row.currency,
  }));
}

/** A request's usage as the principal may see it: its own tenant, or (ops) any or all. */
export function usageIn(db: Database, principal: Principal, request: UsageRequest): Promise<UsageItem[]> {
  if (request.groupBy === "tenant" && !isOps(principal))
    throw new InvalidInputError("Only ops keys group usage by tenant", [{ path: "groupBy", message: "tenant is for ops keys" }]);
  const now = new Date();
  const from = new Date(request.from ?? `${quotaPeriod(now).period}-01T00:00:00Z`).toISOString();
  const to = new Date(request.to ?? now).toISOString();
  return usage(db, { from, to, groupBy: request.groupBy, tenantId: tenantScope(principal, request.tenantId) });
}
