import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Database, isCheckViolation } from "../../../shared/db/database";
import { type MessageRow, messages, tenants, usageCounters } from "../../../shared/db/schema";
import type { Channel } from "../../../shared/domain/enums";
import { type Quotas, quotaPeriod } from "../../../shared/domain/quotas";
import { QuotaExceededError } from "../../../shared/http/errors";

/**
 * A tenant's quotas are cached in the isolate like API keys: acceptance then costs no read for
 * them; a change applies at once where it was made and within CACHE_MS elsewhere.
 */
const CACHE_MS = 10_000;
const cache = new Map<string, { quotas: Quotas; until: number }>();

export async function tenantQuotas(db: Database, tenantId: string): Promise<Quotas> {
  const hit = cache.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.quotas;
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId), columns: { quotas: true } });
  const quotas = row?.quotas ?? {};
  if (cache.size > 10_000) cache.clear();
  cache.set(tenantId, { quotas, until: Date.now() + CACHE_MS });
  return quotas;
}

export function forgetQuotas(tenantId: string): void {
  cache.delete(tenantId);
}

type Charge = { channel: Channel; count: number; quota: number };

/** How many messages of each quota'd channel these rows are. */
export function chargesFor(quotas: Quotas, rows: MessageRow[]): Charge[] {
  const counts = new Map<Channel, number>();
  for (const row of rows) if (quotas[row.channel] !== undefined) counts.set(row.channel, (counts.get(row.channel) ?? 0) + 1);
  return [...counts].map(([channel, count]) => ({ channel, count, quota: quotas[channel] as number }));
}

/** Adds the charges to this period's counters; the table's CHECK fails the whole batch past a quota. */
export function chargeStatements(db: Database, tenantId: string, charges: Charge[], at: Date) {
  const { period } = quotaPeriod(at);
  return charges.map((charge) =>
    db
      .insert(usageCounters)
      .values({ tenantId, channel: charge.channel, period, count: charge.count, quota: charge.quota })
      .onConflictDoUpdate({
        target: [usageCounters.tenantId, usageCounters.channel, usageCounters.period],
        set: { count: sql`${usageCounters.count} + excluded.count`, quota: sql`excluded.quota` },
      }),
  );
}

/** Gives back what an acceptance that was undone had charged. */
export function refundStatements(db: Database, tenantId: string, charges: Charge[], at: Date): BatchItem<"sqlite">[] {
  const { period } = quotaPeriod(at);
  return charges.map((charge) =>
    db
      .update(usageCounters)
      .set({ count: sql`max(${usageCounters.count} - ${charge.count}, 0)` })
      .where(and(eq(usageCounters.tenantId, tenantId), eq(usageCounters.channel, charge.channel), eq(usageCounters.period, period))),
  );
}

export function isQuotaViolation(error: unknown): boolean {
  return isCheckViolation(error, "usage_counters");
}

/** The error for a batch the CHECK refused: the first charge that no longer fits names the channel. */
export async function quotaExceeded(db: Database, tenantId: string, charges: Charge[], at: Date): Promise<QuotaExceededError> {
  const { period, resetsAt } = quotaPeriod(at);
  const counts = await db
    .select({ channel: usageCounters.channel, count: usageCounters.count })
    .from(usageCounters)
    .where(and(eq(usageCounters.tenantId, tenantId), eq(usageCounters.period, period)));
  const used = new Map(counts.map((row) => [row.channel, row.count]));
  const over = charges.find((charge) => (used.get(charge.channel) ?? 0) + charge.count > charge.quota) ?? charges[0];
  const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(resetsAt) - at.getTime()) / 1000));
  return new QuotaExceededError(over.channel, over.quota, resetsAt, retryAfterSeconds);
}

/**
 * Setting a quota starts the period's counter from the messages already accepted this month, so
 * a quota set mid-month counts what was sent before it. Removing one drops the counters.
 */
export async function seedCounters(db: Database, tenantId: string, quotas: Quotas, at: Date): Promise<void> {
  const { period } = quotaPeriod(at);
  const channels = Object.keys(quotas) as Channel[];
  const counts =
    channels.length === 0
      ? []
      : await db
          .select({ channel: messages.channel, count: sql<number>`count(*)` })
          .from(messages)
          .where(
            and(
              eq(messages.tenantId, tenantId),
              gte(messages.createdAt, `${period}-01T00:00:00.000Z`),
              eq(messages.direction, "outbound"),
              inArray(messages.channel, channels),
            ),
          )
          .groupBy(messages.channel);
  await db.batch([
    db.delete(usageCounters).where(eq(usageCounters.tenantId, tenantId)),
    ...counts.map((row) => db.insert(usageCounters).values({ tenantId, channel: row.channel, period, count: row.count, quota: null })),
  ]);
}
