import type { MessageEventRow, MessageRow } from "../db/schema";
import type { AttachmentView } from "./attachment-view";
import { envelopeView } from "./email-envelope";

/** A message as the API shows it (SPEC §8), with its attachments (inbound files, SPEC §10). */
export function messageView(row: MessageRow, attachments: AttachmentView[] = []) {
  return {
    id: row.id,
    tenantId: row.tenantId,
    channel: row.channel,
    direction: row.direction,
    to: row.recipient,
    from: row.sender,
    subject: row.subject,
    content: row.content,
    email: envelopeView(row.email),
    status: row.status,
    providerId: row.providerId,
    providerMessageId: row.providerMessageId,
    cost: row.cost,
    currency: row.currency,
    segments: row.segments,
    idempotencyKey: row.idempotencyKey,
    scheduledAt: row.scheduledAt,
    sentAt: row.sentAt,
    attempts: row.attempts,
    lastError: row.lastError,
    metadata: row.metadata,
    templateId: row.templateId,
    templateVersion: row.templateVersion,
    conversationId: row.conversationId,
    attachments,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type MessageView = ReturnType<typeof messageView>;

export function eventView(row: MessageEventRow) {
  return {
    id: row.id,
    status: row.status,
    reason: row.reason,
    source: row.source,
    providerId: row.providerId,
    occurredAt: row.occurredAt,
  };
}
