import type { ProviderConfigRow } from "../../../shared/db/schema";
import { ProviderError } from "../../../shared/http/errors";
import { providerFor, UnsupportedProviderError } from "../../../shared/providers/provider-factory";
import { openConfig } from "./provider-credentials";
import type { ConfigRules } from "./providers";

const CHECK_TIMEOUT_MS = 10_000;

/** Runs the adapter's own credential check; a failed check is a result, not an error. */
export async function checkProvider(rules: ConfigRules, row: ProviderConfigRow) {
  let provider: ReturnType<typeof providerFor>;
  try {
    provider = providerFor(row.type, row.id, await openConfig(rules.keyring, row), { outbound: rules.outbound });
  } catch (error) {
    if (error instanceof UnsupportedProviderError) throw new ProviderError(error.message);
    throw error;
  }
  const started = Date.now();
  try {
    const result = await provider.check(AbortSignal.timeout(CHECK_TIMEOUT_MS));
    return { ...result, latencyMs: Date.now() - started };
  } catch (error) {
    const message =
      error instanceof Error && error.name === "TimeoutError"
        ? "the provider did not answer in time"
        : "the check could not reach the provider";
    return { ok: false, message, latencyMs: Date.now() - started };
  }
}
