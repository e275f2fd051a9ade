import { z } from "zod";
import { messageContentSchema } from "./message-content";

/**
 * Web Push carries one record of at most 4096 bytes, of which the aes128gcm header takes 86 and
 * the padding delimiter with the GCM tag 17; FCM's own limit is 4 KB. The notification Relay
 * builds (below) must fit the smaller, whichever platform the device turns out to be.
 */
export const MAX_PUSH_PAYLOAD_BYTES = 4096 - 86 - 17;
export const MAX_PUSH_TTL_SECONDS = 28 * 86_400;

const dataValue = z.string().max(1024);

function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

export const pushContentSchema = z
  .strictObject({
    title: z.string().min(1).max(256).optional(),
    text: z.string().min(1).max(MAX_PUSH_PAYLOAD_BYTES).optional(),
    data: z
      .record(
        z
          .string()
          .min(1)
          .max(128)
          .regex(/^(?!google\.|gcm\.|from$|notification$|message_type$)/, "is a key FCM reserves"),
        dataValue,
      )
      .refine((data) => Object.keys(data).length <= 100, "at most 100 keys")
      .optional()
      .meta({ description: "Key-value pairs handed to the app as they are (FCM takes only strings)." }),
    imageUrl: z
      .url({ protocol: /^https$/ })
      .max(1024)
      .optional(),
    url: z
      .string()
      .max(1024)
      .refine((url) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(url) && parses(url), "must be a URL")
      .refine((url) => !/^(javascript|data|vbscript|file):/i.test(url), "must not be a javascript:, data:, vbscript: or file: URL")
      .optional()
      .meta({ description: "A link the notification opens: https, or the app's own scheme (a deep link)." }),
    ttlSeconds: z.number().int().min(0).max(MAX_PUSH_TTL_SECONDS).optional(),
    collapseKey: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: "A newer notification with the same key replaces an undelivered older one." }),
    priority: z.enum(["high", "normal"]).optional(),
    templateId: messageContentSchema.shape.templateId,
    variables: messageContentSchema.shape.variables,
  })
  .meta({
    id: "PushContent",
    description: `A push notification; title, text, data, imageUrl and url together at most ${MAX_PUSH_PAYLOAD_BYTES} bytes as JSON.`,
  });

export type PushContent = z.infer<typeof pushContentSchema>;

/** What the device shows and hands to the app: the part both platforms carry and the size limit counts. */
export type PushNotification = { title?: string; body?: string; image?: string; url?: string; data?: Record<string, string> };

export function pushNotification(content: PushContent): PushNotification {
  const notification: PushNotification = {};
  if (content.title) notification.title = content.title;
  if (content.text) notification.body = content.text;
  if (content.imageUrl) notification.image = content.imageUrl;
  if (content.url) notification.url = content.url;
  if (content.data && Object.keys(content.data).length > 0) notification.data = content.data;
  return notification;
}

export function pushPayloadBytes(content: PushContent): number {
  return new TextEncoder().encode(JSON.stringify(pushNotification(content))).byteLength;
}

/** A stored push message's content, or null when it is not push content (a row from another build). */
export function pushContentOf(content: unknown): PushContent | null {
  const parsed = pushContentSchema.safeParse(content);
  return parsed.success ? parsed.data : null;
}
