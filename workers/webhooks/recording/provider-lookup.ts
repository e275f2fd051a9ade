import { and, eq } from "drizzle-orm";
import { DecryptionError, keyringFromEnv, open } from "../../../shared/crypto/credential-cipher";
import type { Database } from "../../../shared/db/database";
import { providerConfigs } from "../../../shared/db/schema";
import { NotFoundError, UnavailableError } from "../../../shared/http/errors";
import type { ProviderConfig } from "../../../shared/providers/provider";
import type { AnyProviderModule } from "../../../shared/providers/registry";
import type { WebhooksEnv } from "../env";

export type CallbackProvider = { id: string; tenantId: string | null; config: ProviderConfig };

/**
 * The enabled provider of this module's type with this id, its config decrypted: it holds the
 * secret the callback is verified with. Unknown, disabled or of another type → 404. A stored
 * config that no longer opens or validates → 503: the provider retries later, so the callback
 * waits for an operator to re-save the provider instead of being lost or recorded unverified.
 */
export async function enabledProvider(
  db: Database,
  env: WebhooksEnv,
  module: AnyProviderModule,
  providerId: string,
): Promise<CallbackProvider> {
  const { type } = module;
  const [row] = await db
    .select()
    .from(providerConfigs)
    .where(and(eq(providerConfigs.id, providerId), eq(providerConfigs.type, type), eq(providerConfigs.enabled, true)))
    .limit(1);
  if (!row) throw new NotFoundError(`Provider ${providerId}`);
  const parsed = module.config.schema.safeParse(await openedConfig(env, row));
  if (!parsed.success) throw unreadableConfig(row.id);
  return { id: row.id, tenantId: row.tenantId, config: parsed.data };
}

async function openedConfig(env: WebhooksEnv, row: { id: string; encryptedConfig: string; keyVersion: number }): Promise<unknown> {
  try {
    return await open(keyringFromEnv(env), row.id, { ciphertext: row.encryptedConfig, keyVersion: row.keyVersion });
  } catch (error) {
    if (error instanceof DecryptionError) throw unreadableConfig(row.id);
    throw error;
  }
}

function unreadableConfig(providerId: string): UnavailableError {
  return new UnavailableError(`Provider ${providerId}'s stored settings cannot be read; an operator must save them again`);
}
