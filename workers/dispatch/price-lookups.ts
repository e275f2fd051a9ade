import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { keyringFromEnv } from "../../shared/crypto/credential-cipher";
import type { Database } from "../../shared/db/database";
import { inJsonList } from "../../shared/db/json-list";
import { messages, type ProviderConfigRow, providerConfigs } from "../../shared/db/schema";
import { log } from "../../shared/observability/logger";
import { outboundPolicyFromEnv } from "../../shared/providers/outbound-policy";
import type { PriceLookup } from "../../shared/providers/provider";
import { adapterCache } from "./adapter-cache";
import { mapBounded } from "./bounded-concurrency";
import type { DispatchEnv } from "./env";

/** Twilio prices a send once the carrier has billed it: seldom at once, usually within minutes. */
const FIRST_LOOK_MS = 120_000;
/** Between two lookups of one message: half its age, within these bounds. */
const MIN_WAIT_MS = 120_000;
const MAX_WAIT_MS = 2 * 3_600_000;
const CONCURRENCY = 5;
const LOOKUP_TIMEOUT_MS = 10_000;

export function firstPriceLookupAt(sentAt: string): string {
  return new Date(Date.parse(sentAt) + FIRST_LOOK_MS).toISOString();
}

type Due = { id: string; providerId: string | null; providerMessageId: string | null; sentAt: string | null };
type Settings = { priceLookupHorizonHours: number; priceLookupsPerTick: number };
export type PriceLookupTally = { priced: number; waiting: number; gaveUp: number };

/** When to ask again, or null to give up: past the horizon after the send, or nothing to ask about. */
function nextLookupAt(due: Due, horizonHours: number, now: Date): string | null {
  const sentAt = Date.parse(due.sentAt ?? "");
  if (Number.isNaN(sentAt) || now.getTime() - sentAt >= horizonHours * 3_600_000) return null;
  const wait = Math.min(Math.max((now.getTime() - sentAt) / 2, MIN_WAIT_MS), MAX_WAIT_MS);
  return new Date(now.getTime() + wait).toISOString();
}

async function lookUp(
  due: Due,
  provider: ProviderConfigRow | undefined,
  adapterFor: ReturnType<typeof adapterCache>,
): Promise<PriceLookup> {
  if (!provider || !due.providerMessageId) return { kind: "unavailable", message: "the message's provider is gone" };
  try {
    const adapter = await adapterFor(provider);
    if (!adapter.priceOf) return { kind: "unavailable", message: `${provider.type} reports no prices` };
    return await adapter.priceOf(due.providerMessageId, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  } catch (error) {
    return { kind: "unavailable", message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A sent message whose provider gave no price at the send (Twilio's `price` is null until the
 * carrier bills it) carries `price_due_at`; the dispatch cron asks the provider for the price
 * (Twilio's Message resource, with the provider's own credentials and outbound policy), at most
 * `priceLookupsPerTick` a tick, and records `cost`/`currency` — or asks again later, backing off,
 * until `priceLookupHorizonHours` after the send, then gives up (the cost stays null).
 */
export async function lookUpDuePrices(db: Database, env: DispatchEnv, settings: Settings, now = new Date()): Promise<PriceLookupTally> {
  const due: Due[] = await db
    .select({ id: messages.id, providerId: messages.providerId, providerMessageId: messages.providerMessageId, sentAt: messages.sentAt })
    .from(messages)
    .where(and(isNotNull(messages.priceDueAt), lte(messages.priceDueAt, now.toISOString())))
    .orderBy(messages.priceDueAt)
    .limit(settings.priceLookupsPerTick);
  if (due.length === 0) return { priced: 0, waiting: 0, gaveUp: 0 };
  const providerIds = [...new Set(due.flatMap((row) => (row.providerId ? [row.providerId] : [])))];
  const providers = new Map(
    (await db.select().from(providerConfigs).where(inJsonList(providerConfigs.id, providerIds))).map((row) => [row.id, row]),
  );
  const adapterFor = adapterCache(keyringFromEnv(env), { outbound: outboundPolicyFromEnv(env) });
  const answers = await mapBounded(due, CONCURRENCY, (row) => lookUp(row, providers.get(row.providerId ?? ""), adapterFor));

  const at = new Date().toISOString();
  const tally: PriceLookupTally = { priced: 0, waiting: 0, gaveUp: 0 };
  const writes = due.map((row, index) => {
    const answer = answers[index];
    const pending = and(eq(messages.id, row.id), isNotNull(messages.priceDueAt));
    if (answer.kind === "priced") {
      tally.priced++;
      // Never over a price recorded meanwhile.
      return db
        .update(messages)
        .set({
          cost: sql`coalesce(${messages.cost}, ${answer.cost})`,
          currency: sql`CASE WHEN ${messages.cost} IS NULL THEN ${answer.currency ?? null} ELSE ${messages.currency} END`,
          priceDueAt: null,
          updatedAt: at,
        })
        .where(pending);
    }
    const next = nextLookupAt(row, settings.priceLookupHorizonHours, now);
    if (next) tally.waiting++;
    else {
      tally.gaveUp++;
      log.warn("dispatch.price_lookup_gave_up", {
        messageId: row.id,
        providerId: row.providerId,
        last: answer.kind === "unavailable" ? answer.message : "unpriced",
      });
    }
    return db.update(messages).set({ priceDueAt: next }).where(pending);
  });
  await db.batch(writes as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return tally;
}
