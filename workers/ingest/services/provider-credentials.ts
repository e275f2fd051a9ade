import { type Keyring, open, seal } from "../../../shared/crypto/credential-cipher";
import type { ProviderConfigRow } from "../../../shared/db/schema";
import type { ProviderType } from "../../../shared/domain/enums";
import { maskOf, PROVIDER_CONFIG_SCHEMAS } from "../../../shared/domain/provider-config";
import { zodDetails } from "../../../shared/http/envelope";
import { InvalidInputError } from "../../../shared/http/errors";

/** Validate a type's config; errors name `config.<field>`. */
export function validConfig(type: ProviderType, config: unknown): Record<string, unknown> {
  const result = PROVIDER_CONFIG_SCHEMAS[type].safeParse(config);
  if (!result.success) throw new InvalidInputError(`The config is not valid for a ${type} provider`, zodDetails(result.error, ["config"]));
  return result.data as Record<string, unknown>;
}

export async function sealConfig(keyring: Keyring, providerId: string, type: ProviderType, config: Record<string, unknown>) {
  const sealed = await seal(keyring, providerId, config);
  return { encryptedConfig: sealed.ciphertext, keyVersion: sealed.keyVersion, mask: maskOf(type, config) };
}

export async function openConfig(keyring: Keyring, row: ProviderConfigRow): Promise<Record<string, unknown>> {
  return (await open(keyring, row.id, { ciphertext: row.encryptedConfig, keyVersion: row.keyVersion })) as Record<string, unknown>;
}
