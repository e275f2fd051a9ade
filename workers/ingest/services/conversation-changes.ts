import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { inJsonList } from "../../../shared/db/json-list";
import { contacts, conversationAnalyses, conversations, messages } from "../../../shared/db/schema";
import { conversationView } from "../../../shared/domain/conversation";
import { InvalidInputError } from "../../../shared/http/errors";
import { messageViews } from "./attachments";

/** The opaque position in a tenant's change sequence: the last change number a reader has seen. */
export function encodeChangeToken(seq: number): string {
  return btoa(`c:${seq}`).replace(/=+$/, "");
}

export function decodeChangeToken(token: string | undefined): number {
  if (!token) return 0;
  let text = "";
  try {
    text = atob(token);
  } catch {
    // reported below
  }
  const match = /^c:(\d{1,15})$/.exec(text);
  if (!match) throw new InvalidInputError("The token is not one this API returned", [{ path: "since", message: "invalid token" }]);
  return Number(match[1]);
}

/**
 * What changed after `since`, in change order: conversation messages created or changed, and
 * conversations created or changed. Both are read in one batch (one snapshot), and every change
 * took its number in commit order (triggers, see the conversations migration), so the numbers
 * up to the newest one read are all present: following `next` misses nothing and repeats
 * nothing, however writes interleave with the polls. A row changed again reappears once, as it
 * is then.
 */
export async function conversationChanges(db: Database, tenantId: string, sinceToken: string | undefined, limit: number) {
  const since = decodeChangeToken(sinceToken);
  const [messageRows, conversationRows] = await db.batch([
    db
      .select()
      .from(messages)
      .where(and(eq(messages.tenantId, tenantId), gt(messages.changeSeq, since)))
      .orderBy(asc(messages.changeSeq))
      .limit(limit + 1),
    db
      .select()
      .from(conversations)
      .where(and(eq(conversations.tenantId, tenantId), gt(conversations.changeSeq, since)))
      .orderBy(asc(conversations.changeSeq))
      .limit(limit + 1),
  ]);
  const changes = [
    ...messageRows.map((row) => ({ seq: row.changeSeq ?? 0, message: row })),
    ...conversationRows.map((row) => ({ seq: row.changeSeq ?? 0, conversation: row })),
  ].sort((a, b) => a.seq - b.seq);
  const taken = changes.slice(0, limit);
  const last = taken.at(-1)?.seq ?? since;
  const changedConversations = taken.flatMap((change) => ("conversation" in change && change.conversation ? [change.conversation] : []));
  // A contact's edit takes its conversations a new change number, so contacts read after the snapshot are never stale for long.
  const contactIds = [...new Set(changedConversations.flatMap((row) => (row.contactId ? [row.contactId] : [])))];
  const contactRows = contactIds.length > 0 ? await db.select().from(contacts).where(inArray(contacts.id, contactIds)) : [];
  const contactById = new Map(contactRows.map((row) => [row.id, row]));
  const changedMessages = taken.flatMap((change) => ("message" in change && change.message ? [change.message] : []));
  const conversationIds = changedConversations.map((row) => row.id);
  const analysisRows =
    conversationIds.length > 0
      ? await db.select().from(conversationAnalyses).where(inJsonList(conversationAnalyses.conversationId, conversationIds))
      : [];
  const analysisById = new Map(analysisRows.map((row) => [row.conversationId, row]));
  return {
    messages: await messageViews(db, changedMessages),
    conversations: changedConversations.map((row) =>
      conversationView(row, row.contactId ? (contactById.get(row.contactId) ?? null) : null, analysisById.get(row.id) ?? null),
    ),
    next: encodeChangeToken(last),
    hasMore: changes.length > limit,
  };
}
