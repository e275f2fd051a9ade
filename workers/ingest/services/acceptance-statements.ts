import { type SQL, sql } from "drizzle-orm";
import { compiledStatement } from "../../../shared/db/compiled-statement";
import { currentConversation } from "../../../shared/db/conversation-threading";
import { jsonField, rowsFromJson } from "../../../shared/db/json-rows";
import { conversations, type MessageRow, messages } from "../../../shared/db/schema";

/**
 * How a new message finds its conversation: a reply names it; any other send joins its
 * counterpart's current one, matching our endpoint when it names a sender; a send on a channel
 * no contact can write on has none to join.
 */
export type ConversationLookup = "named" | "by-sender" | "any-sender" | "none";

/** A message row as the insert reads it: its columns' values, plus the platform thread it is on. */
export type RowToInsert = MessageRow & { thread: string };

function conversationOf(lookup: ConversationLookup): SQL {
  if (lookup === "none") return sql`NULL`;
  if (lookup === "named") return jsonField("conversationId");
  const key = {
    tenantId: jsonField("tenantId"),
    channel: jsonField("channel"),
    ourEndpoint: lookup === "by-sender" ? jsonField("sender") : null,
    theirEndpoint: jsonField("recipient"),
    thread: jsonField("thread"),
  };
  return currentConversation(key, jsonField("createdAt"));
}

/**
 * Inserts a request's messages as one statement: the rows are one JSON parameter read by
 * `json_each`, so a batch of 100 is one statement, not 100, and binds one value, not 3,300.
 * The select lists the columns in the table's order. Where a message may join a conversation,
 * it answers which; with no lookup there is nothing to answer.
 */
export const insertMessages = compiledStatement<ConversationLookup, { rows: string }>((db, lookup) => {
  const insert = db.insert(messages).select(rowsFromJson(messages, sql.placeholder("rows"), { conversationId: conversationOf(lookup) }));
  return lookup === "none" ? insert : insert.returning({ id: messages.id, conversationId: messages.conversationId });
});

/**
 * The request's outbound messages move their conversations' activity forward, as one statement:
 * `touches` is a JSON array of `{ messageId, preview }` in request order, so a conversation
 * shows its last message's preview. Conversations the messages joined none of are untouched.
 */
export const touchConversations = compiledStatement<"outbound", { at: string; touches: string }>((db) => {
  const touches = sql.placeholder("touches");
  const at = sql.placeholder("at");
  return db
    .update(conversations)
    .set({
      lastMessageAt: sql`max(${conversations.lastMessageAt}, ${at})`,
      lastMessagePreview: sql`(SELECT touch.value ->> 'preview' FROM json_each(${touches}) AS touch
        JOIN ${messages} ON ${messages.id} = touch.value ->> 'messageId'
        WHERE ${messages.conversationId} = ${conversations.id} ORDER BY touch.key DESC LIMIT 1)`,
      updatedAt: sql`${at}`,
    })
    .where(
      sql`${conversations.id} IN (SELECT ${messages.conversationId} FROM ${messages}
        WHERE ${messages.id} IN (SELECT value ->> 'messageId' FROM json_each(${touches})))`,
    );
});
