import { type Database, isUniqueViolation } from "../../../shared/db/database";
import { messageEvents, messages } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import type { Inbound, RecordResult } from "./callback";
import { keepUnmatched } from "./unmatched";

/**
 * An incoming message becomes an `inbound` message of the provider's tenant, `delivered` on
 * arrival, with its event — one batch, deduplicated by the callback's dedupe key. A system
 * default provider belongs to no tenant, so what it receives is kept for diagnosis instead.
 */
export async function recordInbound(db: Database, inbound: Inbound): Promise<RecordResult> {
  const reason = `inbound ${inbound.channel} received`;
  const tenantId = inbound.provider.tenantId;
  if (tenantId === null)
    return keepUnmatched(db, {
      ...inbound,
      kind: "inbound",
      status: "delivered",
      reason: `${reason}, but a system default provider has no tenant`,
    });
  const now = new Date().toISOString();
  const id = newId("message");
  try {
    await db.batch([
      db.insert(messages).values({
        id,
        tenantId,
        channel: inbound.channel,
        direction: "inbound",
        recipient: inbound.to,
        sender: inbound.from,
        content: inbound.body ? { text: inbound.body } : {},
        status: "delivered",
        providerId: inbound.provider.id,
        providerMessageId: inbound.providerMessageId,
        metadata: inbound.media.length > 0 ? { mediaUrls: inbound.media.map((media) => media.url) } : {},
        requestId: inbound.requestId,
        createdAt: now,
        updatedAt: now,
      }),
      db.insert(messageEvents).values({
        id: newId("event"),
        messageId: id,
        status: "delivered",
        reason,
        source: "provider",
        providerId: inbound.provider.id,
        rawPayload: inbound.rawPayload,
        dedupeKey: inbound.dedupeKey,
        requestId: inbound.requestId,
        occurredAt: now,
      }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "message_events")) return { result: "duplicate", messageIds: [] };
    throw error;
  }
  return { result: "recorded", messageIds: [id] };
}
