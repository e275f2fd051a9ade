import { z } from "zod";

/**
 * The rules of the chat channels, where a bot posts into a chat: the recipient is a chat (not a
 * person's number or address), and a reply may go into one of the platform's threads.
 */
export const CHAT_TEXT_LIMITS = { telegram: 4096, slack: 40_000 } as const;
export type ChatChannel = keyof typeof CHAT_TEXT_LIMITS;

export const isChatChannel = (channel: string): channel is ChatChannel => Object.hasOwn(CHAT_TEXT_LIMITS, channel);

/** A Telegram chat id (an integer, negative for groups and channels) or a public channel's `@username`. */
export const TELEGRAM_CHAT = /^(-?[1-9]\d{0,15}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
/** A Slack conversation id: a public (C) or private (G) channel, or a direct message (D). */
export const SLACK_CHANNEL = /^[CDG][A-Z0-9]{6,20}$/;

/** Telegram's `message_thread_id` (a forum topic) and Slack's `thread_ts` (the parent message's timestamp). */
export const CHAT_THREADS: Record<ChatChannel, { pattern: RegExp; hint: string }> = {
  telegram: { pattern: /^[1-9]\d{0,15}$/, hint: "a Telegram message_thread_id (a positive integer)" },
  slack: { pattern: /^\d{1,12}\.\d{1,9}$/, hint: "a Slack thread_ts, e.g. 1712345678.123456" },
};

export const telegramRecipient = z
  .string()
  .regex(TELEGRAM_CHAT, "must be a Telegram chat id (an integer, e.g. -1001234567890) or a channel's @username")
  .meta({ description: "The Telegram chat id, or @channelusername." });

export const slackRecipient = z
  .string()
  .regex(SLACK_CHANNEL, "must be a Slack channel id, e.g. C0123456789")
  .meta({ description: "The Slack channel id (C…, G… or D…)." });

type ChatContent = { text?: string; thread?: string };
type IssueSink = { addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void };

/**
 * A chat message needs text within its platform's limit, and a thread only where there are
 * threads, in the platform's own form. Other channels take no thread.
 */
export function chatContentIssues(channel: string, content: ChatContent, ctx: IssueSink): void {
  if (!isChatChannel(channel)) {
    if (content.thread !== undefined)
      ctx.addIssue({ code: "custom", path: ["content", "thread"], message: "only a telegram or slack message goes into a thread" });
    return;
  }
  const limit = CHAT_TEXT_LIMITS[channel];
  if (!content.text) ctx.addIssue({ code: "custom", path: ["content", "text"], message: `a ${channel} message needs content.text` });
  else if (content.text.length > limit)
    ctx.addIssue({ code: "custom", path: ["content", "text"], message: `a ${channel} message is at most ${limit} characters` });
  const thread = CHAT_THREADS[channel];
  if (content.thread !== undefined && !thread.pattern.test(content.thread))
    ctx.addIssue({ code: "custom", path: ["content", "thread"], message: `must be ${thread.hint}` });
}
