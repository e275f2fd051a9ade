import { asc } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { inJsonList } from "../../../shared/db/json-list";
import { type MessageRow, media } from "../../../shared/db/schema";
import { type AttachmentView, attachmentView } from "../../../shared/domain/attachment-view";
import { messageView } from "../../../shared/domain/message-view";

/** The attachments of these messages, in their order, by message id: one query for a whole page. */
export async function attachmentsOf(db: Database, messageIds: string[]): Promise<Map<string, AttachmentView[]>> {
  const byMessage = new Map<string, AttachmentView[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .select()
    .from(media)
    .where(inJsonList(media.messageId, messageIds))
    .orderBy(asc(media.messageId), asc(media.position));
  for (const row of rows) byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), attachmentView(row)]);
  return byMessage;
}

/** Message views of a page of rows, each with its attachments. */
export async function messageViews(db: Database, rows: MessageRow[]) {
  const attachments = await attachmentsOf(
    db,
    rows.filter((row) => row.direction === "inbound").map((row) => row.id),
  );
  return rows.map((row) => messageView(row, attachments.get(row.id)));
}
