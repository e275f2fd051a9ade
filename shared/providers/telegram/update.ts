import { z } from "zod";
import type { InboundCallback, InboundMedia, InboundSender } from "../provider";

/** The parts of a Telegram Update that Relay reads; Telegram adds fields over time, so objects stay open. */
const userSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
const chatSchema = z.object({ id: z.number().int(), type: z.string(), title: z.string().optional() });
const fileSchema = z.object({
  file_id: z.string().min(1).max(500),
  mime_type: z.string().max(200).optional(),
  file_name: z.string().max(500).optional(),
});
const messageSchema = z.object({
  message_id: z.number().int(),
  message_thread_id: z.number().int().optional(),
  from: userSchema.optional(),
  chat: chatSchema,
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(fileSchema).optional(),
  document: fileSchema.optional(),
  audio: fileSchema.optional(),
  video: fileSchema.optional(),
  voice: fileSchema.optional(),
});
export const telegramUpdateSchema = z.object({ update_id: z.number().int().nonnegative(), message: messageSchema.optional() });
export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;
type TelegramMessage = z.infer<typeof messageSchema>;

/** How an update names a file (the media source), resolved later by getFile. */
export const TELEGRAM_FILE_PREFIX = "telegram-file:";

/** Updates Relay asks for when polling, and the only ones it records. */
export const RECORDED_UPDATES = ["message"];

/**
 * A file stays at Telegram, named by its `file_id` (`telegram-file:<file_id>`): its download URL
 * carries the bot token, so it is never stored. Of a photo's sizes, the largest.
 */
function mediaOf(message: TelegramMessage): InboundMedia[] {
  const photo = message.photo?.at(-1);
  const files = [
    photo && { ...photo, mime_type: photo.mime_type ?? "image/jpeg" },
    message.document,
    message.audio,
    message.video,
    message.voice,
  ];
  return files.flatMap((file) =>
    file
      ? [
          {
            url: `${TELEGRAM_FILE_PREFIX}${file.file_id}`,
            ...(file.mime_type ? { contentType: file.mime_type } : {}),
            ...(file.file_name ? { name: file.file_name } : {}),
          },
        ]
      : [],
  );
}

function senderOf(message: TelegramMessage): InboundSender {
  const person = message.from && [message.from.first_name, message.from.last_name].filter(Boolean).join(" ");
  const name = person || message.chat.title;
  return { telegramChatId: String(message.chat.id), ...(name ? { name } : {}) };
}

/**
 * What an update means for Relay: a message from a person becomes an inbound message from that
 * chat (and topic) to our bot, deduplicated by `update_id`; anything else (edits, a bot's own
 * posts, callbacks) is null. The same for a webhook and for polling, so the two dedupe together.
 */
export function inboundOfUpdate(update: TelegramUpdate, rawPayload: unknown, providerId: string, botId: string): InboundCallback | null {
  const { message } = update;
  if (!message || message.from?.is_bot) return null;
  return {
    kind: "inbound",
    channel: "telegram",
    providerMessageId: `${message.chat.id}:${message.message_id}`,
    to: botId,
    from: String(message.chat.id),
    ...(message.message_thread_id === undefined ? {} : { thread: String(message.message_thread_id) }),
    body: message.text ?? message.caption ?? "",
    media: mediaOf(message),
    sender: senderOf(message),
    dedupeKey: `telegram:${providerId}:${update.update_id}`,
    rawPayload,
  };
}
