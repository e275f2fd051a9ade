import { z } from "zod";
import { positiveNumber } from "../config/env-vars";
import { parsedOnce } from "../config/parsed-once";

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

const breakerVars = z.object({ BREAKER_THRESHOLD: positiveNumber(5), BREAKER_COOLDOWN_SECONDS: positiveNumber(30) });

/** The breaker's settings from a worker's vars; both workers read them the same way, once. */
export const breakerSettings = parsedOnce((vars: { BREAKER_THRESHOLD?: string; BREAKER_COOLDOWN_SECONDS?: string }) => {
  const parsed = breakerVars.parse(vars);
  return { failureThreshold: parsed.BREAKER_THRESHOLD, cooldownSeconds: parsed.BREAKER_COOLDOWN_SECONDS };
});
