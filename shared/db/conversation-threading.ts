import { type Placeholder, type SQL, sql } from "drizzle-orm";
import type { Channel } from "../domain/enums";
import type { Database } from "./database";
import { conversations, messages } from "./schema";

/** Without a tenant setting, 24 h of silence starts a new conversation of the same pair. */
export const DEFAULT_IDLE_GAP_MINUTES = 24 * 60;
/** How much of a message a conversation shows as its preview. */
export const PREVIEW_LENGTH = 140;

/**
 * A conversation's key: the channel, our endpoint, theirs, and the platform's thread ('' for
 * none). A null `ourEndpoint` matches any of ours (an outbound message that lets its provider
 * choose the sender).
 */
export type ConversationKey = { tenantId: string; channel: Channel; ourEndpoint: string | null; theirEndpoint: string; thread: string };

/** A value of a threading statement: given now, a placeholder bound at each use of a compiled statement, or SQL that reads it. */
type Value<T = string> = T | Placeholder | SQL;

/** The tenant's idle gap in minutes, read inside the writing statement. */
function idleGapMinutes(tenantId: Value): SQL {
  return sql`coalesce((SELECT idle_gap_minutes FROM conversation_settings WHERE tenant_id = ${tenantId}), ${DEFAULT_IDLE_GAP_MINUTES})`;
}

/**
 * The conversation a message of this key joins at `now`: the pair's latest one, if it has a
 * platform thread (a thread is one conversation however long it sleeps) or was active within the
 * tenant's idle gap. A subquery, so it is evaluated inside the batch that writes the message.
 */
export function currentConversation(key: { [K in keyof ConversationKey]: Value<ConversationKey[K]> }, now: Value): SQL {
  const ours = key.ourEndpoint === null ? sql`` : sql`AND our_endpoint = ${key.ourEndpoint}`;
  return sql`(SELECT id FROM conversations
    WHERE tenant_id = ${key.tenantId} AND channel = ${key.channel} AND their_endpoint = ${key.theirEndpoint} ${ours}
      AND thread = ${key.thread}
      AND (thread <> '' OR last_message_at >= strftime('%Y-%m-%dT%H:%M:%fZ', ${now}, '-' || ${idleGapMinutes(key.tenantId)} || ' minutes'))
    ORDER BY last_message_at DESC, id DESC LIMIT 1)`;
}

export function previewOf(text: string | undefined, mediaCount = 0): string | null {
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  if (flat) return flat.length > PREVIEW_LENGTH ? `${flat.slice(0, PREVIEW_LENGTH - 1)}…` : flat;
  return mediaCount > 0 ? `${mediaCount} attachment${mediaCount === 1 ? "" : "s"}` : null;
}

/**
 * A new message of a conversation moves its activity forward: last time and preview, and for an
 * inbound message one more unread and open again. Written in the same batch as the message.
 */
export function touchConversation(
  db: Database,
  messageId: Value,
  change: { at: Value; preview: Value<string | null>; inbound: boolean; providerId?: string | null; contactId?: SQL },
) {
  return db
    .update(conversations)
    .set({
      lastMessageAt: sql`max(${conversations.lastMessageAt}, ${change.at})`,
      lastMessagePreview: sql`${change.preview}`,
      updatedAt: sql`${change.at}`,
      ...(change.inbound ? { unreadCount: sql`${conversations.unreadCount} + 1`, status: "open" as const } : {}),
      ...(change.providerId ? { providerId: change.providerId } : {}),
      ...(change.contactId ? { contactId: sql`coalesce(${conversations.contactId}, ${change.contactId})` } : {}),
    })
    .where(sql`${conversations.id} = (SELECT ${messages.conversationId} FROM ${messages} WHERE ${messages.id} = ${messageId})`);
}
