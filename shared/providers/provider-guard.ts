import { DurableObject } from "cloudflare:workers";

export type BreakerState = "closed" | "open" | "half-open";
export type Reservation = { granted: number; state: BreakerState; retryAfterSeconds: number };
export type GuardSettings = { failureThreshold: number; cooldownSeconds: number; tpsLimit?: number };
/** The breaker's settings from a worker's vars; both workers read them the same way. */
export function breakerSettings(vars: { BREAKER_THRESHOLD?: string; BREAKER_COOLDOWN_SECONDS?: string }): Omit<GuardSettings, "tpsLimit"> {
  const positive = (value: string | undefined, fallback: number) => (Number(value) > 0 ? Number(value) : fallback);
  return { failureThreshold: positive(vars.BREAKER_THRESHOLD, 5), cooldownSeconds: positive(vars.BREAKER_COOLDOWN_SECONDS, 30) };
}

export type GuardStatus = { state: BreakerState; consecutiveFailures: number; recentAttempts: number; recentFailures: number };

type Stored = { consecutiveFailures: number; openedAt: number | null; probeStartedAt: number | null };

/** A half-open probe that never reported back (its consumer died) is replaced after this. */
const PROBE_TIMEOUT_MS = 60_000;
const RECENT_WINDOW_MS = 60 * 60 * 1000;

/**
 * One per provider config, so every isolate shares one view of the provider:
 * - a circuit breaker: after `failureThreshold` consecutive unavailable outcomes the provider
 *   is skipped for `cooldownSeconds`, then one probe is let through (half-open); its outcome
 *   closes or re-opens the circuit;
 * - a token bucket: at most `tpsLimit` sends per second (bursts up to one second's worth).
 */
export class ProviderGuard extends DurableObject {
  private stored: Stored = { consecutiveFailures: 0, openedAt: null, probeStartedAt: null };
  private tokens = 0;
  private refilledAt = 0;
  private recent: { at: number; failed: boolean }[] = [];

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.blockConcurrencyWhile(async () => {
      this.stored = (await ctx.storage.get<Stored>("breaker")) ?? this.stored;
    });
  }

  async reserve(requested: number, settings: GuardSettings, now = Date.now()): Promise<Reservation> {
    const state = this.state(settings, now);
    if (state === "open") {
      const reopensAt = (this.stored.openedAt ?? now) + settings.cooldownSeconds * 1000;
      return { granted: 0, state, retryAfterSeconds: Math.max(1, Math.ceil((reopensAt - now) / 1000)) };
    }
    if (state === "half-open") {
      if (this.stored.probeStartedAt && now - this.stored.probeStartedAt < PROBE_TIMEOUT_MS)
        return { granted: 0, state, retryAfterSeconds: 1 };
      await this.save({ ...this.stored, probeStartedAt: now });
      return { granted: Math.min(1, requested), state, retryAfterSeconds: 0 };
    }
    const granted = this.take(requested, settings.tpsLimit, now);
    const missing = requested - granted;
    const retryAfterSeconds = missing > 0 && settings.tpsLimit ? Math.ceil(missing / settings.tpsLimit) : 0;
    return { granted, state, retryAfterSeconds };
  }

  /** Outcomes in the order they happened: true = the provider was unavailable. */
  async report(failures: boolean[], settings: GuardSettings, now = Date.now()): Promise<BreakerState> {
    let { consecutiveFailures, openedAt, probeStartedAt } = this.stored;
    const wasHalfOpen = this.state(settings, now) === "half-open";
    for (const failed of failures) {
      this.recent.push({ at: now, failed });
      consecutiveFailures = failed ? consecutiveFailures + 1 : 0;
    }
    if (wasHalfOpen && failures.length > 0) {
      const probeFailed = failures[0];
      openedAt = probeFailed ? now : null;
      probeStartedAt = null;
      consecutiveFailures = probeFailed ? consecutiveFailures : 0;
    } else if (openedAt === null && consecutiveFailures >= settings.failureThreshold) {
      openedAt = now;
    } else if (!failures.some(Boolean) && failures.length > 0) {
      openedAt = null;
    }
    await this.save({ consecutiveFailures, openedAt, probeStartedAt });
    return this.state(settings, now);
  }

  async status(settings: GuardSettings, now = Date.now()): Promise<GuardStatus> {
    this.recent = this.recent.filter((entry) => now - entry.at < RECENT_WINDOW_MS);
    return {
      state: this.state(settings, now),
      consecutiveFailures: this.stored.consecutiveFailures,
      recentAttempts: this.recent.length,
      recentFailures: this.recent.filter((entry) => entry.failed).length,
    };
  }

  private state(settings: GuardSettings, now: number): BreakerState {
    if (this.stored.openedAt === null) return "closed";
    return now - this.stored.openedAt < settings.cooldownSeconds * 1000 ? "open" : "half-open";
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

  private async save(next: Stored): Promise<void> {
    this.stored = next;
    await this.ctx.storage.put("breaker", next);
  }
}
