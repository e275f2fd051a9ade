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

/** How one send ended, as the guard records it: a timeout is an unavailable outcome counted on its own. */
export type OutcomeKind = "sent" | "rejected" | "unavailable" | "timeout";
export type ReportedOutcome = { kind: OutcomeKind; latencyMs: number; error?: string };

/** One provider's sends in one time bucket (`start` is ISO; buckets are HEALTH_BUCKET_MS long). */
export type HealthBucket = {
  start: string;
  sent: number;
  rejected: number;
  unavailable: number;
  timeouts: number;
  latencyMsTotal: number;
  latencyMsMax: number;
};

/** A change of the breaker: opened (with the failure that opened it), a probe let through, closed. */
export type BreakerEvent = { at: string; event: "opened" | "probe" | "closed"; reason: string };

export type GuardStatus = {
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: string | null;
  /** The last 24 h, oldest first, empty buckets included. */
  buckets: HealthBucket[];
  /** Newest first, at most BREAKER_HISTORY_LIMIT. */
  history: BreakerEvent[];
};

export const HEALTH_BUCKET_MS = 10 * 60 * 1000;
export const HEALTH_WINDOW_MS = 24 * 60 * 60 * 1000;
export const BREAKER_HISTORY_LIMIT = 50;

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
