import { DurableObject } from "cloudflare:workers";
import type {
  BreakerEvent,
  GuardSettings,
  GuardStatus,
  HealthBucket,
  ReportedOutcome,
  Reservation,
} from "../../shared/providers/guard-contract";
import { breakerEvents, isBreakerFailure, probeEvent, withEvents } from "./breaker-history";
import { afterOutcomes, type BreakerRecord, breakerState, CLOSED, probeOut, secondsUntilProbe } from "./circuit-breaker";
import { BUCKET_PREFIX, bucketKey, bucketStartOf, emptyBucket, windowBuckets, windowStart, withOutcomes } from "./health-buckets";

/**
 * One per provider config, so every isolate shares one view of the provider: its circuit
 * breaker (see circuit-breaker.ts), a token bucket of at most `tpsLimit` sends per second
 * (bursts up to one second's worth), and its health: sends, rejections, unavailable outcomes,
 * timeouts and latency in 10-minute buckets, with the breaker's history. Breaker and health
 * live in the object's own storage, written in the one `put` a report already makes, so they
 * survive eviction and restarts at no extra round trip for dispatch.
 */
export class ProviderGuard extends DurableObject {
  private stored: BreakerRecord = CLOSED;
  private history: BreakerEvent[] = [];
  private tokens = 0;
  private refilledAt = 0;
  /** The bucket being filled; older ones are deleted when a new one starts. */
  private current: { key: string; bucket: HealthBucket } | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.blockConcurrencyWhile(async () => {
      this.stored = (await ctx.storage.get<BreakerRecord>("breaker")) ?? this.stored;
      this.history = (await ctx.storage.get<BreakerEvent[]>("history")) ?? [];
    });
  }

  async reserve(requested: number, settings: GuardSettings, now = Date.now()): Promise<Reservation> {
    const state = breakerState(this.stored, settings, now);
    if (state === "open") return { granted: 0, state, retryAfterSeconds: secondsUntilProbe(this.stored, settings, now) };
    if (state === "half-open") {
      if (probeOut(this.stored, now)) return { granted: 0, state, retryAfterSeconds: 1 };
      this.stored = { ...this.stored, probeStartedAt: now };
      this.history = withEvents(this.history, [probeEvent(now)]);
      await this.ctx.storage.put({ breaker: this.stored, history: this.history });
      return { granted: Math.min(1, requested), state, retryAfterSeconds: 0 };
    }
    const granted = this.take(requested, settings.tpsLimit, now);
    const missing = requested - granted;
    const retryAfterSeconds = missing > 0 && settings.tpsLimit ? Math.ceil(missing / settings.tpsLimit) : 0;
    return { granted, state, retryAfterSeconds };
  }

  /** Outcomes in the order they happened: the breaker counts unavailable ones and timeouts. */
  async report(outcomes: ReportedOutcome[], settings: GuardSettings, now = Date.now()) {
    const before = this.stored;
    this.stored = afterOutcomes(before, outcomes.map(isBreakerFailure), settings, now);
    const events = breakerEvents(before, this.stored, outcomes, now);
    const entries: Record<string, unknown> = { breaker: this.stored };
    if (events.length > 0) {
      this.history = withEvents(this.history, events);
      entries.history = this.history;
    }
    const current = await this.bucketAt(now);
    current.bucket = withOutcomes(current.bucket, outcomes);
    entries[current.key] = current.bucket;
    await this.ctx.storage.put(entries);
    return breakerState(this.stored, settings, now);
  }

  async status(settings: GuardSettings, now = Date.now()): Promise<GuardStatus> {
    const stored = await this.ctx.storage.list<HealthBucket>({ prefix: BUCKET_PREFIX, start: bucketKey(windowStart(now)) });
    return {
      state: breakerState(this.stored, settings, now),
      consecutiveFailures: this.stored.consecutiveFailures,
      openedAt: this.stored.openedAt === null ? null : new Date(this.stored.openedAt).toISOString(),
      buckets: windowBuckets(stored, now),
      history: this.history,
    };
  }

  /** The bucket for `now`, read once after a restart or when a new one starts, which also drops those past the window. */
  private async bucketAt(now: number): Promise<{ key: string; bucket: HealthBucket }> {
    const start = bucketStartOf(now);
    const key = bucketKey(start);
    if (this.current?.key === key) return this.current;
    const bucket = (await this.ctx.storage.get<HealthBucket>(key)) ?? emptyBucket(start);
    await this.dropBefore(windowStart(now));
    this.current = { key, bucket };
    return this.current;
  }

  private async dropBefore(start: number): Promise<void> {
    const old = await this.ctx.storage.list({ prefix: BUCKET_PREFIX, end: bucketKey(start) });
    if (old.size > 0) await this.ctx.storage.delete([...old.keys()]);
  }

  private take(requested: number, tpsLimit: number | undefined, now: number): number {
    if (!tpsLimit) return requested;
    const elapsed = this.refilledAt ? (now - this.refilledAt) / 1000 : 1;
    // The bucket holds at least one token, so even a fractional limit lets a send through.
    this.tokens = Math.min(Math.max(1, tpsLimit), this.tokens + elapsed * tpsLimit);
    this.refilledAt = now;
    const granted = Math.min(requested, Math.floor(this.tokens));
    this.tokens -= granted;
    return granted;
  }
}
