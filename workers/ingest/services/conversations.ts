import { and, asc, desc, eq, getTableColumns, or, type SQL, sql } from "drizzle-orm";
import type { Priority } from "../../../shared/analysis/analysis-result";
import { DEFAULT_IDLE_GAP_MINUTES } from "../../../shared/db/conversation-threading";
import type { Database } from "../../../shared/db/database";
import {
  type ContactRow,
  type ConversationAnalysisRow,
  type ConversationRow,
  contacts,
  conversationAnalyses,
  conversationSettings,
  conversations,
  messages,
} from "../../../shared/db/schema";
import { type ConversationSettings, conversationView, type ReplyRequest } from "../../../shared/domain/conversation";
import type { ConversationStatus } from "../../../shared/domain/conversation-status";
import type { Channel } from "../../../shared/domain/enums";
import { type MessageRequest, messageRequestSchema } from "../../../shared/domain/message-request";
import { zodDetails } from "../../../shared/http/envelope";
import { InvalidInputError, NotFoundError } from "../../../shared/http/errors";
import { messageViews } from "./attachments";
import { decodeCursor, pageOf } from "./cursor";
import { afterCursor } from "./messages-query";

export type ConversationFilter = {
  tenantId: string | null;
  status?: ConversationStatus;
  channel?: Channel;
  contactId?: string;
  q?: string;
  priority?: Priority;
  category?: string;
  sort?: "activity" | "priority";
  limit: number;
  cursor?: string;
};

type Joined = { conversation: ConversationRow; contact: ContactRow | null; analysis: ConversationAnalysisRow | null };
const viewOf = ({ conversation, contact, analysis }: Joined) => conversationView(conversation, contact, analysis);

function withContacts(db: Database) {
  return db
    .select({
      conversation: getTableColumns(conversations),
      contact: getTableColumns(contacts),
      analysis: getTableColumns(conversationAnalyses),
    })
    .from(conversations)
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(conversationAnalyses, eq(conversationAnalyses.conversationId, conversations.id));
}

/** Priority order puts unanalysed conversations last (rank 9); the cursor carries the rank in front of the time. */
const RANK_UNKNOWN = 9;
const rankOf = sql<number>`coalesce(${conversationAnalyses.priorityRank}, ${RANK_UNKNOWN})`;

/** A priority page's cursor keeps the time in `at` and the rank in front of the id (`2|cnv_…`). */
function priorityCursorClause(position: { at: string; id: string } | undefined): SQL | undefined {
  if (!position) return undefined;
  const separator = position.id.indexOf("|");
  const rank = Number(position.id.slice(0, separator));
  if (separator < 0 || !Number.isInteger(rank))
    throw new InvalidInputError("The cursor is not one this API returned", [{ path: "cursor", message: "invalid cursor" }]);
  const cursor = { at: position.at, id: position.id.slice(separator + 1) };
  const at = cursor.at;
  return sql`(${rankOf} > ${rank} OR (${rankOf} = ${rank} AND (${conversations.lastMessageAt} < ${at} OR (${conversations.lastMessageAt} = ${at} AND ${conversations.id} < ${cursor.id}))))`;
}

/** instr(), not LIKE: no wildcards to escape and no pattern-length limit. */
function containing(q: string): SQL | undefined {
  const needle = q.toLowerCase();
  return or(
    sql`instr(lower(${conversations.theirEndpoint}), ${needle}) > 0`,
    sql`instr(lower(coalesce(${conversations.lastMessagePreview}, '')), ${needle}) > 0`,
    sql`instr(lower(coalesce(${contacts.name}, '')), ${needle}) > 0`,
  );
}

/** Newest activity first, or (sort=priority) urgent first and newest within a priority. */
export async function listConversations(db: Database, filter: ConversationFilter) {
  const byPriority = filter.sort === "priority";
  const cursor = decodeCursor(filter.cursor);
  const rows = await withContacts(db)
    .where(
      and(
        filter.tenantId ? eq(conversations.tenantId, filter.tenantId) : undefined,
        filter.status ? eq(conversations.status, filter.status) : undefined,
        filter.channel ? eq(conversations.channel, filter.channel) : undefined,
        filter.contactId ? eq(conversations.contactId, filter.contactId) : undefined,
        filter.q ? containing(filter.q) : undefined,
        filter.priority ? eq(conversationAnalyses.priority, filter.priority) : undefined,
        filter.category ? eq(conversationAnalyses.category, filter.category) : undefined,
        byPriority ? priorityCursorClause(cursor) : afterCursor(conversations.lastMessageAt, conversations.id, cursor),
      ),
    )
    .orderBy(...(byPriority ? [asc(rankOf)] : []), desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(filter.limit + 1);
  const page = pageOf(rows, filter.limit, (row) => ({
    at: row.conversation.lastMessageAt,
    id: byPriority ? `${row.analysis?.priorityRank ?? RANK_UNKNOWN}|${row.conversation.id}` : row.conversation.id,
  }));
  return { items: page.items.map(viewOf), nextCursor: page.nextCursor };
}

/** A conversation of another tenant is as absent as a missing one. */
export async function findConversation(db: Database, id: string, tenantId: string | null): Promise<Joined> {
  const [row] = await withContacts(db)
    .where(and(eq(conversations.id, id), tenantId ? eq(conversations.tenantId, tenantId) : undefined))
    .limit(1);
  if (!row) throw new NotFoundError("Conversation");
  return row;
}

export async function getConversation(db: Database, id: string, tenantId: string | null) {
  return viewOf(await findConversation(db, id, tenantId));
}

/** Both directions, newest first. */
export async function conversationMessages(db: Database, id: string, tenantId: string | null, page: { limit: number; cursor?: string }) {
  await findConversation(db, id, tenantId);
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, id), afterCursor(messages.createdAt, messages.id, decodeCursor(page.cursor))))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(page.limit + 1);
  const paged = pageOf(rows, page.limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { items: await messageViews(db, paged.items), nextCursor: paged.nextCursor };
}

async function updated(db: Database, id: string, tenantId: string, set: Partial<ConversationRow>) {
  await findConversation(db, id, tenantId);
  await db
    .update(conversations)
    .set({ ...set, updatedAt: new Date().toISOString() })
    .where(and(eq(conversations.id, id), eq(conversations.tenantId, tenantId)));
  return getConversation(db, id, tenantId);
}

export function markRead(db: Database, id: string, tenantId: string) {
  return updated(db, id, tenantId, { unreadCount: 0 });
}

export function setConversationStatus(db: Database, id: string, tenantId: string, status: ConversationStatus) {
  return updated(db, id, tenantId, { status });
}

/**
 * A reply is an ordinary message request to the conversation's counterpart, from our endpoint,
 * in the platform's thread where the conversation has one — validated by the same schema as
 * `POST /v1/messages`, so it is exactly as strict.
 */
export function replyRequest(conversation: ConversationRow, reply: ReplyRequest): MessageRequest {
  const content = conversation.thread === "" ? reply.content : { ...reply.content, thread: conversation.thread };
  const parsed = messageRequestSchema.safeParse({
    channel: conversation.channel,
    to: conversation.theirEndpoint,
    from: conversation.ourEndpoint,
    content,
    ...(reply.metadata ? { metadata: reply.metadata } : {}),
  });
  if (!parsed.success) throw new InvalidInputError("The reply failed validation", zodDetails(parsed.error));
  return parsed.data;
}

/**
 * Where a reply is filed and what may send it: its conversation, and only that conversation's
 * provider (the number or bot the counterpart wrote to), never another one by failover.
 */
export function replyThreading(conversation: ConversationRow): { conversationId: () => string; pinnedProviderId?: string } {
  return { conversationId: () => conversation.id, ...(conversation.providerId ? { pinnedProviderId: conversation.providerId } : {}) };
}

export async function conversationSettingsOf(db: Database, tenantId: string): Promise<ConversationSettings> {
  const row = await db.query.conversationSettings.findFirst({ where: eq(conversationSettings.tenantId, tenantId) });
  return { idleGapMinutes: row?.idleGapMinutes ?? DEFAULT_IDLE_GAP_MINUTES, helpReply: row?.helpReply ?? null };
}

export async function saveConversationSettings(db: Database, tenantId: string, settings: ConversationSettings) {
  const row = { tenantId, ...settings, updatedAt: new Date().toISOString() };
  await db.insert(conversationSettings).values(row).onConflictDoUpdate({ target: conversationSettings.tenantId, set: row });
  return settings;
}
