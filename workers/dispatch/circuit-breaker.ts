import type { BreakerState, GuardSettings } from "../../shared/providers/guard-contract";

/** What a provider's breaker remembers across restarts of its Durable Object. */
export type BreakerRecord = { consecutiveFailures: number; openedAt: number | null; probeStartedAt: number | null };

export const CLOSED: BreakerRecord = { consecutiveFailures: 0, openedAt: null, probeStartedAt: null };

/** A half-open probe that never reported back (its consumer died) is replaced after this. */
export const PROBE_TIMEOUT_MS = 60_000;

/**
 * After `failureThreshold` consecutive unavailable outcomes the circuit opens: the provider is
 * skipped for `cooldownSeconds`, then half-open lets one probe through, whose outcome closes
 * or re-opens it.
 */
export function breakerState(record: BreakerRecord, settings: GuardSettings, now: number): BreakerState {
  if (record.openedAt === null) return "closed";
  return now - record.openedAt < settings.cooldownSeconds * 1000 ? "open" : "half-open";
}

/** Seconds until an open circuit lets a probe through. */
export function secondsUntilProbe(record: BreakerRecord, settings: GuardSettings, now: number): number {
  const reopensAt = (record.openedAt ?? now) + settings.cooldownSeconds * 1000;
  return Math.max(1, Math.ceil((reopensAt - now) / 1000));
}

/** Whether a half-open circuit's probe is still out (then no other send goes). */
export function probeOut(record: BreakerRecord, now: number): boolean {
  return record.probeStartedAt !== null && now - record.probeStartedAt < PROBE_TIMEOUT_MS;
}

/** The record after outcomes reported in the order they happened (true = unavailable). */
export function afterOutcomes(record: BreakerRecord, failures: boolean[], settings: GuardSettings, now: number): BreakerRecord {
  let { consecutiveFailures, openedAt, probeStartedAt } = record;
  const wasHalfOpen = breakerState(record, settings, now) === "half-open";
  for (const failed of failures) consecutiveFailures = failed ? consecutiveFailures + 1 : 0;
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
  return { consecutiveFailures, openedAt, probeStartedAt };
}
