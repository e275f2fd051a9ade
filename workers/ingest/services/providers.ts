import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { z } from "zod";
import { type Keyring, keyringFromEnv } from "../../../shared/crypto/credential-cipher";
import type { Database } from "../../../shared/db/database";
import { type ProviderConfigRow, providerConfigs, tenants } from "../../../shared/db/schema";
import type { Channel } from "../../../shared/domain/enums";
import { newId } from "../../../shared/domain/ids";
import type { createProviderSchema, updateProviderSchema } from "../../../shared/domain/provider-config";
import { InvalidInputError, NotFoundError } from "../../../shared/http/errors";
import { type OutboundPolicy, outboundPolicyFromEnv } from "../../../shared/providers/outbound-policy";
import { PROVIDERS } from "../../../shared/providers/registry";
import type { IngestEnv } from "../env";
import { assertVisible, isOps, type Principal } from "../principal";
import type { OffsetPage } from "./cursor";
import { mergeConfig, openConfig, sealConfig, validConfig } from "./provider-credentials";

export type CreateProvider = z.infer<typeof createProviderSchema>;
export type UpdateProvider = z.infer<typeof updateProviderSchema>;

export function providerView(row: ProviderConfigRow) {
  const { encryptedConfig: _sealed, keyVersion: _version, ...view } = row;
  return view;
}

function channelFor(input: CreateProvider): Channel {
  const fixed = PROVIDERS[input.type].channel;
  if (fixed && input.channel && input.channel !== fixed)
    throw new InvalidInputError(`A ${input.type} provider serves the ${fixed} channel`, [{ path: "channel", message: `must be ${fixed}` }]);
  const channel = fixed ?? input.channel;
  if (!channel)
    throw new InvalidInputError("A system provider needs a channel", [{ path: "channel", message: "required for type system" }]);
  return channel;
}

async function owningTenant(db: Database, principal: Principal, requested: string | null | undefined): Promise<string | null> {
  if (!isOps(principal)) {
    if (requested !== undefined && requested !== principal.tenantId)
      throw new InvalidInputError("A tenant's key creates providers for its own tenant only", [
        { path: "tenantId", message: "not allowed" },
      ]);
    return principal.tenantId;
  }
  if (!requested) return null;
  const tenant = await db.query.tenants.findFirst({ where: eq(tenants.id, requested) });
  if (!tenant) throw new InvalidInputError("No such tenant", [{ path: "tenantId", message: "unknown tenant" }]);
  return requested;
}

/** What saving or testing a config needs beyond the database: the sealing keys and where adapters may connect. */
export type ConfigRules = { keyring: Keyring; outbound: OutboundPolicy };

export function configRulesFrom(env: IngestEnv): ConfigRules {
  return { keyring: keyringFromEnv(env), outbound: outboundPolicyFromEnv(env) };
}

export async function createProvider(db: Database, rules: ConfigRules, principal: Principal, input: CreateProvider) {
  const channel = channelFor(input);
  const config = validConfig(input.type, input.config, rules.outbound);
  const tenantId = await owningTenant(db, principal, input.tenantId);
  const id = newId("provider");
  const now = new Date().toISOString();
  const [row] = await db
    .insert(providerConfigs)
    .values({
      id,
      tenantId,
      type: input.type,
      channel,
      name: input.name,
      ...(await sealConfig(rules.keyring, id, input.type, config)),
      enabled: input.enabled ?? true,
      priority: input.priority ?? 0,
      pricing: input.pricing ?? null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return providerView(row);
}

export async function findProvider(db: Database, principal: Principal, id: string): Promise<ProviderConfigRow> {
  const row = await db.query.providerConfigs.findFirst({ where: eq(providerConfigs.id, id) });
  if (!row) throw new NotFoundError("Provider");
  assertVisible(principal, row.tenantId, "Provider");
  return row;
}

/** Providers' names by id, for pages that show names instead of ids (a message's providers, its events'). */
export async function providerNames(db: Database, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: providerConfigs.id, name: providerConfigs.name })
    .from(providerConfigs)
    .where(inArray(providerConfigs.id, wanted));
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** A tenant sees its own providers; ops see all, or one tenant's, or (`system`) the defaults. */
export async function listProviders(db: Database, tenantId: string | null, systemOnly = false, page?: OffsetPage) {
  const query = db
    .select()
    .from(providerConfigs)
    .where(systemOnly ? isNull(providerConfigs.tenantId) : tenantId ? eq(providerConfigs.tenantId, tenantId) : undefined)
    .orderBy(asc(providerConfigs.channel), asc(providerConfigs.priority), asc(providerConfigs.createdAt), asc(providerConfigs.id));
  const rows = page ? await query.limit(page.limit + 1).offset(page.offset) : await query;
  return rows.map(providerView);
}

export async function updateProvider(db: Database, rules: ConfigRules, principal: Principal, id: string, input: UpdateProvider) {
  const row = await findProvider(db, principal, id);
  const sealed = input.config ? await sealConfig(rules.keyring, row.id, row.type, await patchedConfig(rules, row, input.config)) : {};
  const [updated] = await db
    .update(providerConfigs)
    .set({
      ...sealed,
      name: input.name,
      priority: input.priority,
      enabled: input.enabled,
      pricing: input.pricing,
      metadata: input.metadata,
      updatedAt: new Date().toISOString(),
    })
    .where(eq(providerConfigs.id, row.id))
    .returning();
  return providerView(updated);
}

/** A complete config replaces an undecryptable one; otherwise the patch merges onto the stored config. */
async function patchedConfig(rules: ConfigRules, row: ProviderConfigRow, patch: Record<string, unknown>) {
  const alone = PROVIDERS[row.type].config.schema.safeParse(patch);
  const stored = await openConfig(rules.keyring, row).catch((error) => {
    if (alone.success) return {};
    throw error;
  });
  return validConfig(row.type, mergeConfig(stored, patch), rules.outbound);
}

export async function deleteProvider(db: Database, principal: Principal, id: string) {
  const row = await findProvider(db, principal, id);
  await db.delete(providerConfigs).where(and(eq(providerConfigs.id, row.id)));
  return { id: row.id, deleted: true as const };
}
