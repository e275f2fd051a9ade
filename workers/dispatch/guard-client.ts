import type { ProviderConfigRow } from "../../shared/db/schema";
import { log } from "../../shared/observability/logger";
import type { GuardSettings, ReportedOutcome, Reservation } from "../../shared/providers/guard-contract";
import type { DispatchSettings } from "./dispatch-settings";
import type { DispatchEnv } from "./env";

export type Guard = {
  reserve(provider: ProviderConfigRow, requested: number): Promise<Reservation>;
  report(provider: ProviderConfigRow, outcomes: ReportedOutcome[]): Promise<void>;
};

/** What reporting to the guards cost one queue batch: RPCs, outcomes carried, time awaited (for the benchmark). */
export type GuardMeter = { guardReports: number; guardOutcomes: number; guardReportMs: number };

export function newGuardMeter(): GuardMeter {
  return { guardReports: 0, guardOutcomes: 0, guardReportMs: 0 };
}

function tpsLimitOf(provider: ProviderConfigRow): number | undefined {
  const limit = Number(provider.metadata?.tpsLimit);
  return Number.isFinite(limit) && limit > 0 ? limit : undefined;
}

/**
 * Talks to each provider's ProviderGuard: one reserve and one report per provider per wave.
 * If the guard itself cannot be reached, delivery goes on unguarded rather than stalling, and
 * that wave's health is not recorded: recording never holds a send back.
 */
export function guardClient(env: DispatchEnv, settings: DispatchSettings, meter = newGuardMeter()): Guard {
  const settingsFor = (provider: ProviderConfigRow): GuardSettings => ({
    failureThreshold: settings.breakerThreshold,
    cooldownSeconds: settings.breakerCooldownSeconds,
    tpsLimit: tpsLimitOf(provider),
  });
  const stub = (provider: ProviderConfigRow) => env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(provider.id));
  return {
    async reserve(provider, requested) {
      try {
        return await stub(provider).reserve(requested, settingsFor(provider));
      } catch (error) {
        log.error("dispatch.guard_unreachable", { providerId: provider.id, error: String(error) });
        return { granted: requested, state: "closed", retryAfterSeconds: 0 };
      }
    },
    async report(provider, outcomes) {
      if (outcomes.length === 0) return;
      const startedAt = Date.now();
      await stub(provider)
        .report(outcomes, settingsFor(provider))
        .catch((error) => log.error("dispatch.guard_unreachable", { providerId: provider.id, error: String(error) }));
      meter.guardReports++;
      meter.guardOutcomes += outcomes.length;
      meter.guardReportMs += Date.now() - startedAt;
    },
  };
}
