import { HEALTH_BUCKET_MS, HEALTH_WINDOW_MS, type HealthBucket, type ReportedOutcome } from "../../shared/providers/guard-contract";

/** Storage keys sort by time: a fixed-width number after the prefix. */
export const BUCKET_PREFIX = "health:";

export function bucketStartOf(now: number): number {
  return now - (now % HEALTH_BUCKET_MS);
}

export function bucketKey(start: number): string {
  return `${BUCKET_PREFIX}${String(start).padStart(15, "0")}`;
}

export function emptyBucket(start: number): HealthBucket {
  return { start: new Date(start).toISOString(), sent: 0, rejected: 0, unavailable: 0, timeouts: 0, latencyMsTotal: 0, latencyMsMax: 0 };
}

/** The bucket with these outcomes added. A timeout counts only as a timeout, not also as unavailable. */
export function withOutcomes(bucket: HealthBucket, outcomes: ReportedOutcome[]): HealthBucket {
  const next = { ...bucket };
  for (const outcome of outcomes) {
    if (outcome.kind === "timeout") next.timeouts++;
    else next[outcome.kind]++;
    const latency = Math.max(0, Math.round(outcome.latencyMs));
    next.latencyMsTotal += latency;
    next.latencyMsMax = Math.max(next.latencyMsMax, latency);
  }
  return next;
}

/** The first bucket start inside the window that ends at `now`. */
export function windowStart(now: number): number {
  return bucketStartOf(now - HEALTH_WINDOW_MS) + HEALTH_BUCKET_MS;
}

/** Every bucket of the window, oldest first, with the stored ones filled in. */
export function windowBuckets(stored: Map<string, HealthBucket>, now: number): HealthBucket[] {
  const buckets: HealthBucket[] = [];
  for (let start = windowStart(now); start <= bucketStartOf(now); start += HEALTH_BUCKET_MS)
    buckets.push(stored.get(bucketKey(start)) ?? emptyBucket(start));
  return buckets;
}
