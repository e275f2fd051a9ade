import { parsedOnce } from "../../../shared/config/parsed-once";
import type { DispatchEnv } from "../env";

export type AnalysisVars = {
  /** Seconds before each retry of a failed analysis; once spent, the job is dead-lettered. */
  retrySchedule: number[];
  timeoutMs: number;
  leaseSeconds: number;
  /** A request pending this long past due (and not leased or backing off) is queued again by the cron. */
  sweepAfterSeconds: number;
};

function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function schedule(raw: string | undefined): number[] {
  const delays = (raw ?? "").split(",").map((part) => Number(part.trim()));
  return raw && delays.every((delay) => Number.isInteger(delay) && delay >= 0 && delay <= 43_200) ? delays : [10, 60, 300];
}

export const analysisVars = parsedOnce(
  (env: DispatchEnv): AnalysisVars => ({
    retrySchedule: schedule(env.ANALYSIS_RETRY_SCHEDULE),
    timeoutMs: positive(env.ANALYSIS_TIMEOUT_MS, 30_000),
    leaseSeconds: positive(env.ANALYSIS_LEASE_SECONDS, 120),
    sweepAfterSeconds: positive(env.ANALYSIS_SWEEP_AFTER_SECONDS, 120),
  }),
);
