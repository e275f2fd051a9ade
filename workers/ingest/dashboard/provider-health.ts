import { type BreakerState, breakerSettings, type GuardSettings, type GuardStatus } from "../../../shared/providers/guard-contract";
import type { IngestEnv } from "../env";

export type ProviderHealth = { state: BreakerState | "unknown"; status?: GuardStatus };

const UNKNOWN: ProviderHealth = { state: "unknown" };
const STATUS_TIMEOUT_MS = 2_000;

/**
 * Each provider's circuit as the dispatch worker's ProviderGuard sees it. Without the binding,
 * or when a guard does not answer in time, the health is "unknown" — the page still renders.
 */
export async function providerHealth(env: IngestEnv, providerIds: string[]): Promise<Map<string, ProviderHealth>> {
  const guard = env.PROVIDER_HEALTH;
  if (!guard) return new Map(providerIds.map((id) => [id, UNKNOWN]));
  const settings: GuardSettings = breakerSettings(env);
  const one = async (id: string): Promise<ProviderHealth> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the provider guard did not answer in time")), STATUS_TIMEOUT_MS);
    });
    try {
      const status: GuardStatus = await Promise.race([guard.get(guard.idFromName(id)).status(settings), timeout]);
      return { state: status.state, status };
    } catch {
      return UNKNOWN;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  };
  return new Map(await Promise.all(providerIds.map(async (id) => [id, await one(id)] as const)));
}

export function failureRate(health: ProviderHealth): string {
  const status = health.status;
  if (!status) return "unknown";
  if (status.recentAttempts === 0) return "no sends in the last hour";
  const percent = Math.round((status.recentFailures / status.recentAttempts) * 100);
  return `${percent}% of ${status.recentAttempts} in the last hour`;
}
