import { type Database, isUniqueViolation } from "../../../shared/db/database";
import { messageEvents, messages } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import type { InboundSms, RecordResult } from "./callback";
import { keepUnmatched } from "./unmatched";

const REASON = "inbound sms received";

/**
 * An incoming SMS becomes an `inbound` message of the provider's tenant, `delivered` on arrival,
 * with its event — one batch, deduplicated by the MessageSid. A system default provider belongs
 * to no tenant, so what it receives is kept for diagnosis instead.
 */
export async function recordInboundSms(db: Database, sms: InboundSms): Promise<RecordResult> {
  const tenantId = sms.provider.tenantId;
  if (tenantId === null)
    return keepUnmatched(db, {
      ...sms,
      kind: "inbound",
      status: "delivered",
      reason: `${REASON}, but a system default provider has no tenant`,
    });
  const now = new Date().toISOString();
  const id = newId("message");
  try {
    await db.batch([
      db.insert(messages).values({
        id,
        tenantId,
        channel: "sms",
        direction: "inbound",
        recipient: sms.to,
        sender: sms.from,
        content: sms.body ? { text: sms.body } : {},
        status: "delivered",
        providerId: sms.provider.id,
        providerMessageId: sms.providerMessageId,
        metadata: sms.mediaUrls.length > 0 ? { mediaUrls: sms.mediaUrls } : {},
        requestId: sms.requestId,
        createdAt: now,
        updatedAt: now,
      }),
      db.insert(messageEvents).values({
        id: newId("event"),
        messageId: id,
        status: "delivered",
        reason: REASON,
        source: "provider",
        providerId: sms.provider.id,
        rawPayload: sms.rawPayload,
        dedupeKey: sms.dedupeKey,
        requestId: sms.requestId,
        occurredAt: now,
      }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "message_events")) return { result: "duplicate", messageIds: [] };
    throw error;
  }
  return { result: "recorded", messageIds: [id] };
}
