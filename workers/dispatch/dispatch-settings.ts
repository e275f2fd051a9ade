import { breakerSettings } from "../../shared/providers/guard-contract";
import type { DispatchEnv } from "./env";

export type DispatchSettings = {
  retryBaseSeconds: number;
  retryCapSeconds: number;
  sendTimeoutMs: number;
  leaseSeconds: number;
  concurrency: number;
  /** Sent and rejected outcomes are written at most this long after they happen (ms). */
  outcomeFlushMs: number;
  breakerThreshold: number;
  breakerCooldownSeconds: number;
};

function numberOr(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

export function dispatchSettings(env: DispatchEnv): DispatchSettings {
  return {
    retryBaseSeconds: numberOr(env.RETRY_BASE_SECONDS, 10),
    // Below the sweeper's threshold, so a message waiting for its retry is never swept.
    retryCapSeconds: 240,
    sendTimeoutMs: numberOr(env.SEND_TIMEOUT_MS, 10_000),
    // Longer than a batch can take: every provider of a chain timing out, in waves.
    leaseSeconds: numberOr(env.LEASE_SECONDS, 180),
    concurrency: 10,
    outcomeFlushMs: numberOr(env.OUTCOME_FLUSH_MS, 250),
    breakerThreshold: breakerSettings(env).failureThreshold,
    breakerCooldownSeconds: breakerSettings(env).cooldownSeconds,
  };
}
