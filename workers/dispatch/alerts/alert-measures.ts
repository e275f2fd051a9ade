import { and, count, eq, gte } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { type AlertRuleRow, deadLetters } from "../../../shared/db/schema";
import { type GuardSettings, type GuardStatus, HEALTH_BUCKET_MS, type HealthBucket } from "../../../shared/providers/guard-contract";

/** What a rule's condition measured now, and whether it is crossed. `summary` is the notification's sentence. */
export type AlertMeasure = { value: number; crossed: boolean; summary: string };

export type RuleToCheck = AlertRuleRow & { tenantName: string | null; providerName: string | null };

const windowStart = (rule: AlertRuleRow, now: number) => new Date(now - rule.windowMinutes * 60_000).toISOString();

/**
 * Every dead-letter rule's count in one D1 round trip: each is an index range on
 * `dead_letters_tenant` (tenant, time), so a rule costs a count over its window's rows only.
 */
export async function deadLetterMeasures(db: Database, rules: RuleToCheck[], now: number): Promise<Map<string, AlertMeasure>> {
  const measured = new Map<string, AlertMeasure>();
  if (rules.length === 0) return measured;
  const counts = rules.map((rule) =>
    db
      .select({ count: count() })
      .from(deadLetters)
      .where(and(eq(deadLetters.tenantId, rule.tenantId), gte(deadLetters.deadLetteredAt, windowStart(rule, now)))),
  );
  const results = await db.batch(counts as [(typeof counts)[number], ...typeof counts]);
  rules.forEach((rule, index) => {
    const value = results[index][0]?.count ?? 0;
    measured.set(rule.id, {
      value,
      crossed: value >= rule.threshold,
      summary: `${value} dead letters in the last ${rule.windowMinutes} minutes for ${rule.tenantName ?? rule.tenantId} (threshold ${rule.threshold})`,
    });
  });
  return measured;
}

/** The guard's buckets that overlap the window: health is kept in 10-minute buckets, so the window is rounded out to them. */
export function failureRate(buckets: HealthBucket[], since: string): { attempts: number; failures: number; percent: number } {
  let attempts = 0;
  let failures = 0;
  for (const bucket of buckets) {
    if (Date.parse(bucket.start) + HEALTH_BUCKET_MS <= Date.parse(since)) continue;
    attempts += bucket.sent + bucket.rejected + bucket.unavailable + bucket.timeouts;
    failures += bucket.unavailable + bucket.timeouts;
  }
  return { attempts, failures, percent: attempts === 0 ? 0 : Math.floor((failures * 100) / attempts) };
}

export type GuardStatusRead = (providerId: string, settings: GuardSettings) => Promise<GuardStatus>;

/**
 * A provider rule reads the provider's own ProviderGuard (one RPC per watched provider, none on
 * the delivery path): unavailable answers and timeouts are failures; rejections, the
 * recipient's fault, count only as attempts. A guard that cannot be read is skipped this minute.
 */
export async function providerMeasures(
  rules: RuleToCheck[],
  readStatus: GuardStatusRead,
  settings: GuardSettings,
  now: number,
): Promise<Map<string, AlertMeasure>> {
  const measured = new Map<string, AlertMeasure>();
  const providerIds = [...new Set(rules.map((rule) => rule.providerId).filter((id): id is string => id !== null))];
  const statuses = new Map<string, GuardStatus>();
  await Promise.all(
    providerIds.map(async (id) => {
      const status = await readStatus(id, settings).catch(() => null);
      if (status) statuses.set(id, status);
    }),
  );
  for (const rule of rules) {
    const status = rule.providerId ? statuses.get(rule.providerId) : undefined;
    if (!status || rule.providerName === null) continue;
    const rate = failureRate(status.buckets, windowStart(rule, now));
    const minAttempts = rule.minAttempts ?? 1;
    measured.set(rule.id, {
      value: rate.percent,
      crossed: rate.attempts >= minAttempts && rate.percent >= rule.threshold,
      summary: `provider "${rule.providerName}" failed ${rate.failures} of ${rate.attempts} attempts (${rate.percent}%) in the last ${rule.windowMinutes} minutes (threshold ${rule.threshold}%, at least ${minAttempts} attempts)`,
    });
  }
  return measured;
}
