import { type Keyring, open } from "../../shared/crypto/credential-cipher";
import type { ProviderConfigRow } from "../../shared/db/schema";
import type { AdapterContext, Provider } from "../../shared/providers/provider";
import { providerFor } from "../../shared/providers/provider-factory";

/** Each provider's config is decrypted once per queue batch, however many messages use it. */
export function adapterCache(keyring: Keyring, context: AdapterContext) {
  const adapters = new Map<string, Promise<Provider>>();
  return (row: ProviderConfigRow): Promise<Provider> => {
    let adapter = adapters.get(row.id);
    if (!adapter) {
      adapter = open(keyring, row.id, { ciphertext: row.encryptedConfig, keyVersion: row.keyVersion }).then((config) =>
        providerFor(row.type, row.id, config, context),
      );
      adapters.set(row.id, adapter);
    }
    return adapter;
  };
}
