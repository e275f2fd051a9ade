import { and, eq, inArray, sql } from "drizzle-orm";
import { keyringFromEnv, open } from "../../../shared/crypto/credential-cipher";
import type { Database } from "../../../shared/db/database";
import { inboundPollOffsets, providerConfigs } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { log } from "../../../shared/observability/logger";
import { refusedAddresses } from "../../../shared/providers/config-rules";
import { outboundPolicyFromEnv } from "../../../shared/providers/outbound-policy";
import type { InboundPoll, ProviderConfig } from "../../../shared/providers/provider";
import { type AnyProviderModule, PROVIDER_MODULES } from "../../../shared/providers/registry";
import type { WebhooksEnv } from "../env";
import type { Inbound, RecordResult } from "../recording/callback";
import { analysisDebounceSeconds, queueInboundAnalysis } from "../recording/inbound-analysis";
import { recordInbound } from "../recording/record-inbound";

/** One provider's poll may not hold up the others for longer than this. */
const POLL_TIMEOUT_MS = 10_000;

type RecordInbound = (db: Database, inbound: Inbound, analysisDebounceSeconds?: number) => Promise<RecordResult>;
type PolledProvider = {
  id: string;
  tenantId: string | null;
  module: AnyProviderModule;
  poll: InboundPoll<ProviderConfig>;
  config: ProviderConfig;
};

/** Every enabled provider whose type can be polled and whose config asks for it, decrypted. */
async function pollingProviders(db: Database, env: WebhooksEnv): Promise<PolledProvider[]> {
  const pollable = PROVIDER_MODULES.filter((module) => module.poll);
  if (pollable.length === 0) return [];
  const rows = await db
    .select()
    .from(providerConfigs)
    .where(
      and(
        eq(providerConfigs.enabled, true),
        inArray(
          providerConfigs.type,
          pollable.map((module) => module.type),
        ),
      ),
    );
  const keyring = keyringFromEnv(env);
  const providers: PolledProvider[] = [];
  for (const row of rows) {
    const module = pollable.find((candidate) => candidate.type === row.type);
    if (!module?.poll) continue;
    // One config this worker cannot open or read (a retired key, an older build's shape) skips that provider only.
    const plain = await open(keyring, row.id, { ciphertext: row.encryptedConfig, keyVersion: row.keyVersion }).catch(() => undefined);
    const config = module.config.schema.safeParse(plain);
    if (!config.success) {
      log.warn("webhooks.poll_config_unreadable", { providerId: row.id });
      continue;
    }
    if (module.poll.polls(config.data))
      providers.push({ id: row.id, tenantId: row.tenantId, module, poll: module.poll, config: config.data });
  }
  return providers;
}

async function storedOffset(db: Database, providerId: string): Promise<number | null> {
  const [row] = await db.select().from(inboundPollOffsets).where(eq(inboundPollOffsets.providerId, providerId)).limit(1);
  return row?.nextOffset ?? null;
}

/** Moves the offset forward only: a slower, overlapping run cannot take it back. */
async function advanceOffset(db: Database, providerId: string, nextOffset: number): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insert(inboundPollOffsets)
    .values({ providerId, nextOffset, updatedAt: now })
    .onConflictDoUpdate({
      target: inboundPollOffsets.providerId,
      set: { nextOffset: sql`max(${inboundPollOffsets.nextOffset}, excluded.next_offset)`, updatedAt: now },
    });
}

/**
 * One poll of one provider: what came is recorded in order, and only then is the offset moved
 * past it. A crash or a failed write before that leaves the offset where it was, so the same
 * messages come again and are deduplicated: each is recorded at least once, and once only.
 */
async function pollProvider(db: Database, env: WebhooksEnv, provider: PolledProvider, record: RecordInbound): Promise<number> {
  const refused = refusedAddresses(provider.module.type, provider.config, outboundPolicyFromEnv(env));
  if (refused.length > 0) {
    log.warn("webhooks.poll_refused_address", { providerId: provider.id, fields: refused.map((r) => r.field) });
    return 0;
  }
  const offset = await storedOffset(db, provider.id);
  const result = await provider.poll.poll(
    { providerId: provider.id, config: provider.config },
    offset,
    AbortSignal.timeout(POLL_TIMEOUT_MS),
  );
  if (result.kind === "failed") {
    log.warn("webhooks.poll_failed", { providerId: provider.id, reason: result.message });
    return 0;
  }
  const requestId = newId("request");
  let recorded = 0;
  for (const { kind: _kind, reply: _reply, ...inbound } of result.inbound) {
    const outcome = await record(
      db,
      { ...inbound, provider: { id: provider.id, tenantId: provider.tenantId }, requestId },
      analysisDebounceSeconds(env),
    );
    await queueInboundAnalysis(env, outcome);
    if (outcome.result === "recorded" || outcome.result === "unmatched") recorded++;
  }
  if (result.nextOffset !== null && result.nextOffset !== offset) await advanceOffset(db, provider.id, result.nextOffset);
  return recorded;
}

/** The webhooks cron: every provider that receives by polling is asked once; one failing does not stop the others. */
export async function pollInbound(
  db: Database,
  env: WebhooksEnv,
  record: RecordInbound = recordInbound,
): Promise<{ providers: number; recorded: number }> {
  const providers = await pollingProviders(db, env);
  let recorded = 0;
  await Promise.all(
    providers.map(async (provider) => {
      try {
        recorded += await pollProvider(db, env, provider, record);
      } catch (error) {
        log.error("webhooks.poll_error", { providerId: provider.id, error: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  return { providers: providers.length, recorded };
}
