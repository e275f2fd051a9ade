import { and, eq } from "drizzle-orm";
import { keyringFromEnv, open } from "../../../shared/crypto/credential-cipher";
import type { Database } from "../../../shared/db/database";
import { providerConfigs } from "../../../shared/db/schema";
import { NotFoundError } from "../../../shared/http/errors";
import type { ProviderConfig } from "../../../shared/providers/provider";
import type { AnyProviderModule } from "../../../shared/providers/registry";
import type { WebhooksEnv } from "../env";

export type CallbackProvider = { id: string; tenantId: string | null; config: ProviderConfig };

/**
 * The enabled provider of this module's type with this id, its config decrypted: it holds the
 * secret the callback is verified with. Unknown, disabled or of another type → 404.
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
  const plain = await open(keyringFromEnv(env), row.id, { ciphertext: row.encryptedConfig, keyVersion: row.keyVersion });
  const parsed = module.config.schema.safeParse(plain);
  if (!parsed.success) throw new Error(`Provider ${row.id} has a stored ${type} config that no longer validates`);
  return { id: row.id, tenantId: row.tenantId, config: parsed.data };
}
