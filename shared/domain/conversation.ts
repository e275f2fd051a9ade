import { z } from "zod";
import { analysisView } from "../analysis/analysis-view";
import type { ContactRow, ConversationAnalysisRow, ConversationRow } from "../db/schema";
import { contactView } from "./contact";
import { CONVERSATION_STATUSES } from "./conversation-status";
import { messageContentSchema } from "./message-content";
import { metadataSchema } from "./metadata";

/** A conversation as the API shows it, with its contact embedded. */
export function conversationView(row: ConversationRow, contact: ContactRow | null, analysis: ConversationAnalysisRow | null = null) {
  return {
    id: row.id,
    tenantId: row.tenantId,
    channel: row.channel,
    providerId: row.providerId,
    contactId: row.contactId,
    contact: contact ? contactView(contact) : null,
    counterpart: row.theirEndpoint,
    ourEndpoint: row.ourEndpoint,
    thread: row.thread === "" ? null : row.thread,
    status: row.status,
    unreadCount: row.unreadCount,
    lastMessageAt: row.lastMessageAt,
    lastMessagePreview: row.lastMessagePreview,
    analysis: analysis ? analysisView(analysis) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type ConversationView = ReturnType<typeof conversationView>;

export const updateConversationSchema = z
  .strictObject({ status: z.enum(CONVERSATION_STATUSES).meta({ description: "`closed` to close, `open` to reopen" }) })
  .meta({ id: "UpdateConversationRequest" });

/** A reply: the conversation says where it goes; the content is the channel's, validated like any send. */
export const replyRequestSchema = z
  .strictObject({ content: messageContentSchema, metadata: metadataSchema.optional() })
  .meta({ id: "ConversationReplyRequest" });
export type ReplyRequest = z.infer<typeof replyRequestSchema>;

export const conversationSettingsSchema = z
  .strictObject({
    idleGapMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90)
      .meta({
        description: "Silence after which a message starts a new conversation of the same pair (channels without threads); default 1440",
      }),
    helpReply: z.string().trim().min(1).max(1600).nullable().meta({ description: "The answer to an inbound SMS HELP; null: none" }),
  })
  .meta({ id: "ConversationSettings" });
export type ConversationSettings = z.infer<typeof conversationSettingsSchema>;
