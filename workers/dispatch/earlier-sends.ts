import { inArray } from "drizzle-orm";
import type { Database } from "../../shared/db/database";
import type { ProviderConfigRow } from "../../shared/db/schema";
import { messages } from "../../shared/db/schema";
import { log } from "../../shared/observability/logger";
import type { Provider } from "../../shared/providers/provider";
import { mapBounded } from "./bounded-concurrency";
import { type Delivery, outbound } from "./delivery";
import { sendCost } from "./send-cost";
import type { WaveDeps } from "./send-waves";

/**
 * Matches a provider's candidate earlier sends to messages without giving one send to two:
 * a candidate already recorded on any message (provider message ids are the provider's own,
 * unique across its configs), or taken by another message of this batch, is skipped — two
 * messages with the same recipient and text stay two sends. The write that records a found
 * send is guarded the same way (outcome-writes.ts), for batches running side by side.
 */
export function earlierSendClaimer(db: Database) {
  const taken = new Set<string>();
  return async (candidates: string[]): Promise<string | undefined> => {
    const open = candidates.filter((id) => !taken.has(id));
    if (open.length === 0) return undefined;
    const recorded = await db.select({ id: messages.providerMessageId }).from(messages).where(inArray(messages.providerMessageId, open));
    const known = new Set(recorded.map((row) => row.id));
    // Re-checked after the read: another message of the batch may have taken one meanwhile.
    const found = open.find((id) => !known.has(id) && !taken.has(id));
    if (found) taken.add(found);
    return found;
  };
}

/**
 * Before any send, each message whose earlier outcome was lost is looked up at every provider
 * of its chain that can tell (the lost send may have gone through any of them). Found: it is
 * recorded as sent, not sent again. Nothing found anywhere: it is no longer uncertain and goes
 * on to the waves. A provider that cannot answer now: the message waits for a later round and
 * stays uncertain — a resend is exactly what the lookup is there to prevent.
 */
export async function lookUpEarlierSends(deliveries: Delivery[], deps: WaveDeps): Promise<void> {
  const uncertain = deliveries.filter((delivery) => delivery.uncertainSince);
  await mapBounded(uncertain, deps.settings.concurrency, async (delivery) => {
    for (const provider of deps.chainFor(delivery.row.tenantId, delivery.row.channel)) {
      if (Date.now() >= deps.sendDeadline) {
        delivery.fate = { kind: "retry", reason: "the batch ran out of time while looking up an earlier send", hintSeconds: 0 };
        return;
      }
      const adapter = await deps.adapterFor(provider).catch(() => undefined);
      if (adapter?.findSent && (await lookUpAt(adapter, provider, delivery, deps))) return;
    }
    delivery.uncertainSince = undefined;
  });
}

/** True when the lookup settled the delivery (found, or must wait). */
async function lookUpAt(adapter: Provider, provider: ProviderConfigRow, delivery: Delivery, deps: WaveDeps): Promise<boolean> {
  const since = delivery.uncertainSince ?? new Date(0);
  const signal = AbortSignal.timeout(deps.settings.sendTimeoutMs);
  const answer = await adapter.findSent?.(outbound(delivery.row), since, signal);
  if (!answer || answer.kind === "unsupported") return false;
  if (answer.kind === "unavailable") {
    log.warn("dispatch.lookup_unavailable", { messageId: delivery.row.id, providerId: provider.id, reason: answer.message });
    const reason = `could not ask ${provider.type} ${provider.name} (${provider.id}) whether an earlier send went out: ${answer.message}`;
    delivery.fate = { kind: "retry", reason, hintSeconds: answer.retryAfterSeconds ?? 0 };
    return true;
  }
  const found = answer.ids.length > 0 ? await deps.claimEarlierSend(answer.ids) : undefined;
  if (!found) return false;
  delivery.attempts.push({ provider, outcome: { kind: "sent", providerMessageId: found, reconciled: true }, at: new Date().toISOString() });
  delivery.fate = { kind: "sent", provider, providerMessageId: found, reconciled: true, ...sendCost({}, provider, delivery.row) };
  deps.settledEarly(delivery);
  return true;
}
