import { DurableObject } from "cloudflare:workers";
import type { GuardSettings, GuardStatus, Reservation } from "../../shared/providers/guard-contract";
import { afterOutcomes, type BreakerRecord, breakerState, CLOSED, probeOut, secondsUntilProbe } from "./circuit-breaker";

const RECENT_WINDOW_MS = 60 * 60 * 1000;

/**
 * One per provider config, so every isolate shares one view of the provider: its circuit
 * breaker (see circuit-breaker.ts), and a token bucket of at most `tpsLimit` sends per second
 * (bursts up to one second's worth).
 */
export class ProviderGuard extends DurableObject {
  private stored: BreakerRecord = CLOSED;
  private tokens = 0;
  private refilledAt = 0;
  private recent: { at: number; failed: boolean }[] = [];

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.blockConcurrencyWhile(async () => {
      this.stored = (await ctx.storage.get<BreakerRecord>("breaker")) ?? this.stored;
    });
  }

  async reserve(requested: number, settings: GuardSettings, now = Date.now()): Promise<Reservation> {
    const state = breakerState(this.stored, settings, now);
    if (state === "open") return { granted: 0, state, retryAfterSeconds: secondsUntilProbe(this.stored, settings, now) };
    if (state === "half-open") {
      if (probeOut(this.stored, now)) return { granted: 0, state, retryAfterSeconds: 1 };
      await this.save({ ...this.stored, probeStartedAt: now });
      return { granted: Math.min(1, requested), state, retryAfterSeconds: 0 };
    }
    const granted = this.take(requested, settings.tpsLimit, now);
    const missing = requested - granted;
    const retryAfterSeconds = missing > 0 && settings.tpsLimit ? Math.ceil(missing / settings.tpsLimit) : 0;
    return { granted, state, retryAfterSeconds };
  }

  /** Outcomes in the order they happened: true = the provider was unavailable. */
  async report(failures: boolean[], settings: GuardSettings, now = Date.now()) {
    for (const failed of failures) this.recent.push({ at: now, failed });
    await this.save(afterOutcomes(this.stored, failures, settings, now));
    return breakerState(this.stored, settings, now);
  }

  async status(settings: GuardSettings, now = Date.now()): Promise<GuardStatus> {
    this.recent = this.recent.filter((entry) => now - entry.at < RECENT_WINDOW_MS);
    return {
      state: breakerState(this.stored, settings, now),
      consecutiveFailures: this.stored.consecutiveFailures,
      recentAttempts: this.recent.length,
      recentFailures: this.recent.filter((entry) => entry.failed).length,
    };
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

  private async save(next: BreakerRecord): Promise<void> {
    this.stored = next;
    await this.ctx.storage.put("breaker", next);
  }
}
