import type { Database } from "../db/database";
import { conversationEvents } from "../db/schema";
import { newId } from "../domain/ids";

export const CONVERSATION_EVENT_TYPES = [
  "analysis.requested",
  "analysis.done",
  "analysis.attempt_failed",
  "analysis.failed",
  "analysis.budget_exceeded",
  "analysis.auto_replied",
] as const;
export type ConversationEventType = (typeof CONVERSATION_EVENT_TYPES)[number];

export type ConversationEventInput = {
  tenantId: string;
  conversationId: string;
  type: ConversationEventType;
  reason: string;
  data?: Record<string, unknown>;
  at: string;
};

/** One event of a conversation's own timeline (beside its messages' events). */
export function conversationEvent(db: Database, event: ConversationEventInput) {
  return db.insert(conversationEvents).values({
    id: newId("conversationEvent"),
    tenantId: event.tenantId,
    conversationId: event.conversationId,
    type: event.type,
    reason: event.reason,
    data: event.data ?? {},
    occurredAt: event.at,
  });
}
