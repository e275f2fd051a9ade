import { z } from "zod";
import { DEVICE_PLATFORMS } from "./enums";
import { webPushSubscriptionSchema } from "./push-target";

export const CONTACT_ID = /^ctc_[A-Za-z0-9_-]{1,64}$/;
export const DEVICE_ID = /^dev_[A-Za-z0-9]{1,64}$/;
export const MAX_DEVICE_TOKEN_LENGTH = 4096;

/** Why Relay takes no APNs device: see README "Push" (Workers' fetch cannot be relied on to speak HTTP/2, which APNs requires). */
export const APNS_REFUSAL =
  "APNs devices cannot be reached from Cloudflare Workers (APNs speaks only HTTP/2); register the iOS app's FCM registration token with platform fcm: FCM delivers to iOS through APNs";

export const registerDeviceSchema = z
  .strictObject({
    platform: z.enum(DEVICE_PLATFORMS),
    token: z
      .string()
      .min(8)
      .max(MAX_DEVICE_TOKEN_LENGTH)
      .regex(/^[\x21-\x7e]+$/, "printable characters without spaces")
      .optional()
      .meta({ description: "The FCM registration token (platform fcm)." }),
    subscription: webPushSubscriptionSchema.optional().meta({ description: "The browser's PushSubscription as JSON (platform webpush)." }),
    contactId: z.string().regex(CONTACT_ID, "a contact id: ctc_…").optional().meta({ description: "The contact this device belongs to." }),
  })
  .superRefine((device, ctx) => {
    if (device.platform === "apns") ctx.addIssue({ code: "custom", path: ["platform"], message: APNS_REFUSAL });
    if (device.platform === "fcm" && !device.token)
      ctx.addIssue({ code: "custom", path: ["token"], message: "an fcm device needs its token" });
    if (device.platform === "webpush" && !device.subscription)
      ctx.addIssue({ code: "custom", path: ["subscription"], message: "a webpush device needs its subscription" });
    if (device.platform === "webpush" && device.token)
      ctx.addIssue({ code: "custom", path: ["token"], message: "a webpush device has a subscription, not a token" });
    if (device.platform !== "webpush" && device.subscription)
      ctx.addIssue({ code: "custom", path: ["subscription"], message: "only a webpush device has a subscription" });
  })
  .meta({ id: "RegisterDeviceRequest" });
export type RegisterDeviceRequest = z.infer<typeof registerDeviceSchema>;
