import { idSharing } from "../domain/ids";
import type { MessageEventRow, MessageRow } from "./schema";

/**
 * The `queued` event of a message ingest accepted, read from its row (`accepted_reason`): its id
 * is the message's own id under the event prefix, so it is the same on every read and in the
 * archive. Undefined for a message whose first event is a row of `message_events`.
 */
export function acceptanceEvent(message: MessageRow): MessageEventRow | undefined {
  // `== null`: an archive line written before migration 0018 has no such key at all.
  if (message.acceptedReason == null) return undefined;
  return {
    id: idSharing("event", message.id),
    messageId: message.id,
    status: "queued",
    reason: message.acceptedReason,
    source: "internal",
    providerId: null,
    rawPayload: null,
    dedupeKey: null,
    requestId: message.requestId,
    occurredAt: message.createdAt,
  };
}

/** A message's whole timeline, oldest first: its acceptance, then its stored events (in the order given). */
export function timelineOf(message: MessageRow, stored: MessageEventRow[]): MessageEventRow[] {
  const accepted = acceptanceEvent(message);
  return accepted ? [accepted, ...stored] : stored;
}
