import { BREAKER_HISTORY_LIMIT, type BreakerEvent, type ReportedOutcome } from "../../shared/providers/guard-contract";
import type { BreakerRecord } from "./circuit-breaker";

const failed = (outcome: ReportedOutcome) => outcome.kind === "unavailable" || outcome.kind === "timeout";

/** What the outcomes did to the breaker, as events (none when its state did not change). */
export function breakerEvents(before: BreakerRecord, after: BreakerRecord, outcomes: ReportedOutcome[], now: number): BreakerEvent[] {
  const at = new Date(now).toISOString();
  const lastFailure = outcomes.filter(failed).at(-1);
  const why = lastFailure?.error ? `; last error: ${lastFailure.error}` : "";
  if (after.openedAt !== null && after.openedAt !== before.openedAt) {
    const reason =
      before.openedAt === null ? `${after.consecutiveFailures} consecutive failures${why}` : `the half-open probe failed${why}`;
    return [{ at, event: "opened", reason }];
  }
  if (after.openedAt === null && before.openedAt !== null)
    return [{ at, event: "closed", reason: before.probeStartedAt !== null ? "the half-open probe succeeded" : "a send succeeded" }];
  return [];
}

export function probeEvent(now: number): BreakerEvent {
  return { at: new Date(now).toISOString(), event: "probe", reason: "cooldown over: one send let through to test the provider" };
}

/** Newest first, bounded. */
export function withEvents(history: BreakerEvent[], events: BreakerEvent[]): BreakerEvent[] {
  return [...events.toReversed(), ...history].slice(0, BREAKER_HISTORY_LIMIT);
}

export function isBreakerFailure(outcome: ReportedOutcome): boolean {
  return failed(outcome);
}
