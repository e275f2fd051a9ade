import { and, asc, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../../../shared/db/database";
import { timelineOf } from "../../../shared/db/message-timeline";
import { messageEvents, messages } from "../../../shared/db/schema";
import type { Channel, MessageStatus } from "../../../shared/domain/enums";
import { eventView, messageView } from "../../../shared/domain/message-view";
import { toE164 } from "../../../shared/domain/phone-number";
import { NotFoundError } from "../../../shared/http/errors";
import { archivedMessage } from "./archived-message";
import { attachmentsOf, messageViews } from "./attachments";
import { type CursorPosition, decodeCursor, pageOf } from "./cursor";

export type MessageFilter = {
  tenantId: string | null;
  status?: MessageStatus;
  channel?: Channel;
  to?: string;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
};

/** Newest first; the cursor continues strictly after the last row shown. */
export function afterCursor(at: AnySQLiteColumn, id: AnySQLiteColumn, position?: CursorPosition): SQL | undefined {
  if (!position) return undefined;
  return or(lt(at, position.at), and(eq(at, position.at), lt(id, position.id)));
}

export async function listMessages(db: Database, filter: MessageFilter) {
  const to = filter.to ? (toE164(filter.to) ?? filter.to.trim()) : undefined;
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        filter.tenantId ? eq(messages.tenantId, filter.tenantId) : undefined,
        filter.status ? eq(messages.status, filter.status) : undefined,
        filter.channel ? eq(messages.channel, filter.channel) : undefined,
        to ? eq(messages.recipient, to) : undefined,
        filter.since ? gte(messages.createdAt, new Date(filter.since).toISOString()) : undefined,
        filter.until ? lt(messages.createdAt, new Date(filter.until).toISOString()) : undefined,
        afterCursor(messages.createdAt, messages.id, decodeCursor(filter.cursor)),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(filter.limit + 1);
  const page = pageOf(rows, filter.limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { items: await messageViews(db, page.items), nextCursor: page.nextCursor };
}

/** A message of another tenant is as absent as a missing one. */
export async function findMessage(db: Database, id: string, tenantId: string | null) {
  const row = await db.query.messages.findFirst({
    where: and(eq(messages.id, id), tenantId ? eq(messages.tenantId, tenantId) : undefined),
  });
  if (!row) throw new NotFoundError("Message");
  return row;
}

/** Events oldest first; events of the same instant in the order they were recorded (rowid). A message past its retention comes from the archive. */
export async function messageWithEvents(db: Database, id: string, tenantId: string | null, archive?: R2Bucket) {
  const [row, events, attachments] = await Promise.all([
    db.query.messages.findFirst({ where: and(eq(messages.id, id), tenantId ? eq(messages.tenantId, tenantId) : undefined) }),
    db.select().from(messageEvents).where(eq(messageEvents.messageId, id)).orderBy(asc(messageEvents.occurredAt), asc(sql`rowid`)),
    attachmentsOf(db, [id]),
  ]);
  if (row) return { ...messageView(row, attachments.get(id)), events: timelineOf(row, events).map(eventView) };
  const archived = archive ? await archivedMessage(db, archive, id, tenantId) : undefined;
  if (!archived) throw new NotFoundError("Message");
  return archived;
}
