import { z } from "zod";
import { positiveNumber } from "../../shared/config/env-vars";
import { parsedOnce } from "../../shared/config/parsed-once";
import { parseRetrySchedules, type RetrySchedules } from "../../shared/config/retry-schedule";
import { log } from "../../shared/observability/logger";
import { breakerSettings } from "../../shared/providers/guard-contract";
import { ARCHIVE_BUDGET_MS } from "./archive/archive-runs";
import type { DispatchEnv } from "./env";
import type { RetentionDays } from "./record-retention";
import { DEFAULT_SWEEP_AFTER_SECONDS } from "./sweeper";

/** The dispatch worker's vars; see README "Configuration and secrets". */
const dispatchVars = z.object({
  RETRY_BASE_SECONDS: positiveNumber(10),
  SEND_TIMEOUT_MS: positiveNumber(10_000),
  // Longer than a batch can take: every provider of a chain timing out, in waves.
  LEASE_SECONDS: positiveNumber(180),
  OUTCOME_FLUSH_MS: positiveNumber(250),
  SWEEP_AFTER_SECONDS: positiveNumber(DEFAULT_SWEEP_AFTER_SECONDS),
  ARCHIVE_BUDGET_MS: positiveNumber(ARCHIVE_BUDGET_MS),
  DEAD_LETTER_RETENTION_DAYS: positiveNumber(30),
  UNMATCHED_CALLBACK_RETENTION_DAYS: positiveNumber(30),
  PRICE_LOOKUP_HORIZON_HOURS: positiveNumber(24),
  PRICE_LOOKUPS_PER_TICK: positiveNumber(50),
});

export type DispatchSettings = {
  retryBaseSeconds: number;
  /** Per channel, the delays of its retries; a message past its channel's last one is dead-lettered. */
  retrySchedules: RetrySchedules;
  retryCapSeconds: number;
  sendTimeoutMs: number;
  leaseSeconds: number;
  concurrency: number;
  /** Sent and rejected outcomes are written at most this long after they happen (ms). */
  outcomeFlushMs: number;
  sweepAfterSeconds: number;
  breakerThreshold: number;
  breakerCooldownSeconds: number;
  /** How long one cron tick may spend archiving (ms). */
  archiveBudgetMs: number;
  /** Resolved dead letters and unmatched callbacks are deleted this long after (days). */
  retentionDays: RetentionDays;
  /** A sent message's price is asked for until this long after it was sent (hours), at most this many per tick. */
  priceLookupHorizonHours: number;
  priceLookupsPerTick: number;
};

/** Parsed once per isolate, not per batch. */
export const dispatchSettings = parsedOnce((env: DispatchEnv): DispatchSettings => {
  const vars = dispatchVars.parse(env);
  const breaker = breakerSettings(env);
  const retries = parseRetrySchedules(env.RETRY_SCHEDULES, vars.RETRY_BASE_SECONDS);
  if (retries.problems.length > 0) log.error("dispatch.retry_schedules_ignored", { problems: retries.problems });
  return {
    retryBaseSeconds: vars.RETRY_BASE_SECONDS,
    retrySchedules: retries.schedules,
    // Below the sweeper's threshold, so a message waiting for its retry is never swept.
    retryCapSeconds: 240,
    sendTimeoutMs: vars.SEND_TIMEOUT_MS,
    leaseSeconds: vars.LEASE_SECONDS,
    concurrency: 10,
    outcomeFlushMs: vars.OUTCOME_FLUSH_MS,
    sweepAfterSeconds: vars.SWEEP_AFTER_SECONDS,
    breakerThreshold: breaker.failureThreshold,
    breakerCooldownSeconds: breaker.cooldownSeconds,
    archiveBudgetMs: vars.ARCHIVE_BUDGET_MS,
    retentionDays: { deadLetters: vars.DEAD_LETTER_RETENTION_DAYS, unmatchedCallbacks: vars.UNMATCHED_CALLBACK_RETENTION_DAYS },
    priceLookupHorizonHours: vars.PRICE_LOOKUP_HORIZON_HOURS,
    priceLookupsPerTick: vars.PRICE_LOOKUPS_PER_TICK,
  };
});
