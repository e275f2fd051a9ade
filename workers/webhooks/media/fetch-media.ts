import { and, eq, inArray, sql } from "drizzle-orm";
import { keyringFromEnv, open } from "../../../shared/crypto/credential-cipher";
import type { Database } from "../../../shared/db/database";
import { inJsonList } from "../../../shared/db/json-list";
import { type MediaRow, media, messageEvents, providerConfigs } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { mediaKey } from "../../../shared/domain/media-key";
import { log } from "../../../shared/observability/logger";
import { outboundPolicyFromEnv } from "../../../shared/providers/outbound-policy";
import type { MediaDownload, ProviderConfig } from "../../../shared/providers/provider";
import { type AnyProviderModule, providerModule } from "../../../shared/providers/registry";
import type { WebhooksEnv } from "../env";
import { readCapped } from "./read-capped";

/** A fetch in progress holds its attachments this long; after it the cron may try them again. */
export const MEDIA_LEASE_SECONDS = 60;
/** Tries per attachment (the first right after the message, the rest from the cron, a lease apart). */
export const MEDIA_MAX_ATTEMPTS = 5;
/** A Telegram bot may download 20 MB; an MMS is at most 5 MB. */
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 20_000;
/** Attachments the cron takes per tick. */
const CRON_BATCH = 20;

type Which = { messageIds: string[] } | { due: true };
type Outcome = { status: "stored"; size: number; contentType: string | null } | { status: "pending" | "failed"; reason: string };

/**
 * Fetches pending attachments from their providers into the MEDIA bucket: those of messages just
 * recorded (run after the webhook has answered), or (the cron) every one whose last try's lease
 * ran out. Each is claimed first — one more attempt, a fresh lease — so two runs never fetch the
 * same one at once. A failure leaves it pending for the next try, until the attempts run out or
 * the failure is final; then it is `failed` with the reason, and its message says so in an event.
 */
export async function fetchPendingMedia(db: Database, env: WebhooksEnv, which: Which): Promise<{ stored: number; failed: number }> {
  const claimed = await claim(db, which, new Date());
  if (claimed.length === 0) return { stored: 0, failed: 0 };
  const configs = await providerConfigsOf(db, env, [...new Set(claimed.map((row) => row.providerId))]);
  let stored = 0;
  let failed = 0;
  for (const row of claimed) {
    const outcome = await fetchOne(env, row, configs.get(row.providerId));
    await record(db, row, outcome);
    if (outcome.status === "stored") stored++;
    if (outcome.status === "failed") failed++;
  }
  return { stored, failed };
}

async function claim(db: Database, which: Which, now: Date): Promise<MediaRow[]> {
  const leaseEnd = new Date(now.getTime() - MEDIA_LEASE_SECONDS * 1000).toISOString();
  // A fresh attachment has never been tried (polled ones wait for the cron); one tried before waits out its lease.
  const claimable = sql`(${media.attempts} = 0 OR ${media.updatedAt} <= ${leaseEnd})`;
  const ids =
    "due" in which
      ? (
          await db
            .select({ id: media.id })
            .from(media)
            .where(and(eq(media.status, "pending"), claimable))
            .orderBy(media.updatedAt)
            .limit(CRON_BATCH)
        ).map((row) => row.id)
      : undefined;
  if (ids?.length === 0) return [];
  const scope = ids ? inJsonList(media.id, ids) : inJsonList(media.messageId, "messageIds" in which ? which.messageIds : []);
  return db
    .update(media)
    .set({ attempts: sql`${media.attempts} + 1`, updatedAt: now.toISOString() })
    .where(and(scope, eq(media.status, "pending"), claimable))
    .returning();
}

type OpenConfig = { module: AnyProviderModule; config: ProviderConfig };

/** The providers' configs, opened; a provider gone or unreadable is simply absent. */
async function providerConfigsOf(db: Database, env: WebhooksEnv, ids: string[]): Promise<Map<string, OpenConfig>> {
  const rows = await db.select().from(providerConfigs).where(inArray(providerConfigs.id, ids));
  const keyring = keyringFromEnv(env);
  const opened = new Map<string, OpenConfig>();
  for (const row of rows) {
    const module = providerModule(row.type);
    const plain = await open(keyring, row.id, { ciphertext: row.encryptedConfig, keyVersion: row.keyVersion }).catch(() => undefined);
    const config = module?.config.schema.safeParse(plain);
    if (module && config?.success) opened.set(row.id, { module, config: config.data });
  }
  return opened;
}

async function fetchOne(env: WebhooksEnv, row: MediaRow, provider: OpenConfig | undefined): Promise<Outcome> {
  if (!provider) return { status: "failed", reason: "its provider is gone or its config cannot be read" };
  const source = provider.module.media;
  if (!source) return { status: "failed", reason: `${provider.module.type} files cannot be fetched` };
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  let download: MediaDownload;
  try {
    download = await source.download(row.source, provider.config, { outbound: outboundPolicyFromEnv(env), signal });
  } catch (error) {
    download = { kind: "failed", permanent: false, message: error instanceof Error ? error.message : "the download failed" };
  }
  if (download.kind === "failed") return retryOrFail(row, download.message, download.permanent);
  const maxBytes = Number(env.MEDIA_MAX_BYTES ?? DEFAULT_MAX_BYTES);
  const read = await readCapped(download.response, maxBytes).catch((error: unknown) => ({
    kind: "broken" as const,
    message: error instanceof Error ? error.message : "the download broke off",
  }));
  if (read.kind === "too-large") return { status: "failed", reason: `larger than ${maxBytes} bytes` };
  if (read.kind === "broken") return retryOrFail(row, read.message, false);
  const contentType = row.contentType ?? download.response.headers.get("content-type")?.slice(0, 200) ?? null;
  await env.MEDIA.put(mediaKey(row), read.bytes, { httpMetadata: contentType ? { contentType } : undefined });
  return { status: "stored", size: read.bytes.byteLength, contentType };
}

function retryOrFail(row: MediaRow, reason: string, permanent: boolean): Outcome {
  return permanent || row.attempts >= MEDIA_MAX_ATTEMPTS ? { status: "failed", reason } : { status: "pending", reason };
}

/** The attachment's new state, and for a final one an event on its message, in one batch. */
async function record(db: Database, row: MediaRow, outcome: Outcome): Promise<void> {
  const now = new Date().toISOString();
  const set =
    outcome.status === "stored"
      ? { status: outcome.status, size: outcome.size, contentType: outcome.contentType, lastError: null, updatedAt: now }
      : { status: outcome.status, lastError: outcome.reason, updatedAt: now };
  const update = db.update(media).set(set).where(eq(media.id, row.id));
  if (outcome.status === "pending") {
    log.warn("webhooks.media_fetch_retry", { mediaId: row.id, attempts: row.attempts, reason: outcome.reason });
    await update;
    return;
  }
  const reason =
    outcome.status === "stored"
      ? `attachment ${row.id} stored (${outcome.contentType ?? "unknown type"}, ${outcome.size} bytes)`
      : `attachment ${row.id} could not be fetched after ${row.attempts} attempt${row.attempts === 1 ? "" : "s"}: ${outcome.reason}`;
  const event = db.insert(messageEvents).values({
    id: newId("event"),
    messageId: row.messageId,
    status: "delivered",
    reason,
    source: "internal",
    providerId: row.providerId,
    occurredAt: now,
  });
  await db.batch([update, event]);
}
