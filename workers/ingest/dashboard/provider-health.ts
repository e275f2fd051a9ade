import {
  type BreakerState,
  breakerSettings,
  type GuardSettings,
  type GuardStatus,
  HEALTH_BUCKET_MS,
  type HealthBucket,
} from "../../../shared/providers/guard-contract";
import type { IngestEnv } from "../env";

export type ProviderHealth = { state: BreakerState | "unknown"; status?: GuardStatus };

const UNKNOWN: ProviderHealth = { state: "unknown" };
const STATUS_TIMEOUT_MS = 2_000;

/**
 * Each provider's circuit as the dispatch worker's ProviderGuard sees it. Without the binding,
 * or when a guard does not answer in time, the health is "unknown" — the page still renders.
 */
export async function providerHealth(env: IngestEnv, providerIds: string[]): Promise<Map<string, ProviderHealth>> {
  const guard = env.PROVIDER_HEALTH;
  if (!guard) return new Map(providerIds.map((id) => [id, UNKNOWN]));
  const settings: GuardSettings = breakerSettings(env);
  const one = async (id: string): Promise<ProviderHealth> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the provider guard did not answer in time")), STATUS_TIMEOUT_MS);
    });
    try {
      const status: GuardStatus = await Promise.race([guard.get(guard.idFromName(id)).status(settings), timeout]);
      return { state: status.state, status };
    } catch {
      return UNKNOWN;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  };
  return new Map(await Promise.all(providerIds.map(async (id) => [id, await one(id)] as const)));
}

const HOUR_MS = 60 * 60 * 1000;

/** Sends in a span of buckets, each outcome on its own. */
export type HealthTotals = Omit<HealthBucket, "start"> & { start: string; attempts: number; failures: number };

function totalsOf(start: string, buckets: HealthBucket[]): HealthTotals {
  const sum = (pick: (b: HealthBucket) => number) => buckets.reduce((n, b) => n + pick(b), 0);
  const totals = {
    start,
    sent: sum((b) => b.sent),
    rejected: sum((b) => b.rejected),
    unavailable: sum((b) => b.unavailable),
    timeouts: sum((b) => b.timeouts),
    latencyMsTotal: sum((b) => b.latencyMsTotal),
    latencyMsMax: Math.max(0, ...buckets.map((b) => b.latencyMsMax)),
  };
  const failures = totals.unavailable + totals.timeouts;
  return { ...totals, failures, attempts: totals.sent + totals.rejected + failures };
}

/** The last hour's buckets added up. */
export function lastHour(status: GuardStatus): HealthTotals {
  const recent = status.buckets.slice(-HOUR_MS / HEALTH_BUCKET_MS);
  return totalsOf(recent[0]?.start ?? "", recent);
}

/** The 24 h window in hours (oldest first), for the chart. */
export function hourlyHealth(status: GuardStatus): HealthTotals[] {
  const hours = new Map<string, HealthBucket[]>();
  for (const bucket of status.buckets) {
    const hour = `${bucket.start.slice(0, 13)}:00:00.000Z`;
    hours.set(hour, [...(hours.get(hour) ?? []), bucket]);
  }
  return [...hours].map(([start, buckets]) => totalsOf(start, buckets));
}

export function averageLatencyMs(totals: HealthTotals): number | undefined {
  return totals.attempts > 0 ? Math.round(totals.latencyMsTotal / totals.attempts) : undefined;
}

/** The last hour in words: failures (unavailable + timeouts) and rejections, each of every attempt. */
export function failureRate(health: ProviderHealth): string {
  if (!health.status) return "unknown";
  const hour = lastHour(health.status);
  if (hour.attempts === 0) return "no sends in the last hour";
  const percent = (n: number) => Math.round((n / hour.attempts) * 100);
  return `${percent(hour.failures)}% failed, ${percent(hour.rejected)}% rejected of ${hour.attempts} in the last hour`;
}
