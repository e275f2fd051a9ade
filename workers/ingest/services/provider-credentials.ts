import { DecryptionError, type Keyring, open, seal } from "../../../shared/crypto/credential-cipher";
import type { ProviderConfigRow } from "../../../shared/db/schema";
import type { ProviderType } from "../../../shared/domain/enums";
import { zodDetails } from "../../../shared/http/envelope";
import { ConflictError, InvalidInputError } from "../../../shared/http/errors";
import { maskOf, refusedAddresses } from "../../../shared/providers/config-rules";
import type { OutboundPolicy } from "../../../shared/providers/outbound-policy";
import { PROVIDERS } from "../../../shared/providers/registry";

/** Validate a type's config, its addresses under the outbound policy too; errors name `config.<field>`. */
export function validConfig(type: ProviderType, config: unknown, policy: OutboundPolicy): Record<string, unknown> {
  const result = PROVIDERS[type].config.schema.safeParse(config);
  if (!result.success) throw new InvalidInputError(`The config is not valid for a ${type} provider`, zodDetails(result.error, ["config"]));
  const refused = refusedAddresses(type, result.data, policy);
  if (refused.length > 0)
    throw new InvalidInputError(
      `The config of a ${type} provider must point at a public host`,
      refused.map(({ field, message }) => ({ path: `config.${field}`, message })),
    );
  return result.data;
}

export async function sealConfig(keyring: Keyring, providerId: string, type: ProviderType, config: Record<string, unknown>) {
  const sealed = await seal(keyring, providerId, config);
  return { encryptedConfig: sealed.ciphertext, keyVersion: sealed.keyVersion, mask: maskOf(type, config) };
}

/**
 * The stored config, decrypted. A row sealed under a key version whose secret is gone (or a
 * damaged row) cannot be opened: that is a clear conflict, not a server error, and PATCH
 * with a complete config replaces it.
 */
export async function openConfig(keyring: Keyring, row: ProviderConfigRow): Promise<Record<string, unknown>> {
  try {
    return (await open(keyring, row.id, { ciphertext: row.encryptedConfig, keyVersion: row.keyVersion })) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    throw new ConflictError(
      `The stored credentials of provider ${row.id} cannot be decrypted (key version ${row.keyVersion}); set that key's secret or replace the whole config with PATCH`,
    );
  }
}

/** A PATCH's config on top of the stored one; a field set to null is removed. */
export function mergeConfig(stored: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored, ...patch };
  for (const [field, value] of Object.entries(patch)) if (value === null) delete merged[field];
  return merged;
}
