import type { ProviderConfigRow } from "../../shared/db/schema";
import { log } from "../../shared/observability/logger";
import type { GuardSettings, Reservation } from "../../shared/providers/guard-contract";
import type { DispatchSettings } from "./dispatch-settings";
import type { DispatchEnv } from "./env";

export type Guard = {
  reserve(provider: ProviderConfigRow, requested: number): Promise<Reservation>;
  report(provider: ProviderConfigRow, failures: boolean[]): Promise<void>;
};

function tpsLimitOf(provider: ProviderConfigRow): number | undefined {
  const limit = Number(provider.metadata?.tpsLimit);
  return Number.isFinite(limit) && limit > 0 ? limit : undefined;
}

/**
 * Talks to each provider's ProviderGuard: one reserve and one report per provider per wave.
 * If the guard itself cannot be reached, delivery goes on unguarded rather than stalling.
 */
export function guardClient(env: DispatchEnv, settings: DispatchSettings): Guard {
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
    async report(provider, failures) {
      if (failures.length === 0) return;
      await stub(provider)
        .report(failures, settingsFor(provider))
        .catch((error) => log.error("dispatch.guard_unreachable", { providerId: provider.id, error: String(error) }));
    },
  };
}
