import { z } from "zod";

export const MAX_TEXT_LENGTH = 100_000;
/**
 * How deep `variables` may nest. Without a bound, a body within the size limit can nest thousands
 * of levels deep and overflow the stack of whatever serialises it next (the answer, the
 * idempotency fingerprint) — after the message was already accepted.
 */
export const MAX_VARIABLES_DEPTH = 32;

/** Recursion stops at `levels`, so this check itself cannot overflow. */
export function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (levels === 0) return true;
  return Object.values(value).some((item) => nestsDeeperThan(item, levels - 1));
}

export const messageContentSchema = z
  .strictObject({
    text: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
    html: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
    thread: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: "Telegram and Slack: the thread to post into (message_thread_id, thread_ts)." }),
    title: z.string().min(1).max(1000).optional().meta({ description: "push: the notification's title" }),
    templateId: z.string().min(1).max(200).optional(),
    variables: z
      .record(z.string().max(200), z.unknown())
      .refine((value) => !nestsDeeperThan(value, MAX_VARIABLES_DEPTH), {
        message: `nests deeper than ${MAX_VARIABLES_DEPTH} levels`,
        abort: true,
      })
      .optional(),
  })
  .meta({ id: "MessageContent", description: "The body of a message. Email needs `html` or `text`." });

export type MessageContent = z.infer<typeof messageContentSchema>;

/** The platform thread a message's content names (chat channels' `content.thread`), '' for none. */
export function threadOf(content: MessageContent): string {
  const thread = "thread" in content ? content.thread : undefined;
  return typeof thread === "string" ? thread : "";
}
