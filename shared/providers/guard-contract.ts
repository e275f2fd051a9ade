/**
 * What the dispatch worker's ProviderGuard Durable Objects answer, as other workers see them:
 * dispatch asks for send slots and reports outcomes; the dashboard only reads `status`.
 */
export type BreakerState = "closed" | "open" | "half-open";
export type Reservation = { granted: number; state: BreakerState; retryAfterSeconds: number };
export type GuardSettings = { failureThreshold: number; cooldownSeconds: number; tpsLimit?: number };
export type GuardStatus = { state: BreakerState; consecutiveFailures: number; recentAttempts: number; recentFailures: number };

/** The one method the dashboard calls, so its binding is typed without importing dispatch code. */
export interface GuardStatusReader extends Rpc.DurableObjectBranded {
  status(settings: GuardSettings): Promise<GuardStatus>;
}

/** The breaker's settings from a worker's vars; both workers read them the same way. */
export function breakerSettings(vars: { BREAKER_THRESHOLD?: string; BREAKER_COOLDOWN_SECONDS?: string }): Omit<GuardSettings, "tpsLimit"> {
  const positive = (value: string | undefined, fallback: number) => (Number(value) > 0 ? Number(value) : fallback);
  return { failureThreshold: positive(vars.BREAKER_THRESHOLD, 5), cooldownSeconds: positive(vars.BREAKER_COOLDOWN_SECONDS, 30) };
}
