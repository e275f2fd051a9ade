import { z } from "zod";

/** A browser's PushSubscription as `toJSON()` gives it: the push service's URL and the keys RFC 8291 encrypts to. */
export const webPushSubscriptionSchema = z
  .strictObject({
    endpoint: z.url({ protocol: /^https?$/ }).max(2048),
    expirationTime: z.number().nullable().optional(),
    keys: z.strictObject({
      p256dh: z.string().regex(/^[A-Za-z0-9_-]{87}$/, "the 65-byte P-256 public key, base64url"),
      auth: z.string().regex(/^[A-Za-z0-9_-]{22}$/, "the 16-byte authentication secret, base64url"),
    }),
  })
  .meta({ id: "WebPushSubscription" });
export type WebPushSubscription = z.infer<typeof webPushSubscriptionSchema>;

/** Where one push goes: what an adapter needs of a device. */
export type PushTarget =
  | { deviceId?: string; platform: "fcm" | "apns"; token: string }
  | { deviceId?: string; platform: "webpush"; subscription: WebPushSubscription };
