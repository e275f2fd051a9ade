import { z } from "zod";
import type { ConfigSpec } from "../provider";

export const webPushConfigSchema = z.strictObject({
  vapidPublicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/, "the application server's P-256 public key: 65 bytes, base64url"),
  vapidPrivateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "the P-256 private key: 32 bytes, base64url"),
  subject: z
    .string()
    .max(320)
    .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, "a mailto: address or an https: URL where the push service can reach you"),
});
export type WebPushConfig = z.infer<typeof webPushConfigSchema>;

export const webPushConfig: ConfigSpec<WebPushConfig> = {
  schema: webPushConfigSchema,
  // The public key identifies the VAPID pair without revealing anything.
  maskField: "vapidPublicKey",
  // Each subscription names its own push service; the adapter checks it per send.
  outbound: [],
  form: [
    {
      name: "vapidPublicKey",
      label: "VAPID public key",
      kind: "text",
      required: true,
      hint: "base64url, the applicationServerKey your pages subscribe with",
    },
    { name: "vapidPrivateKey", label: "VAPID private key", kind: "secret", required: true },
    { name: "subject", label: "Contact (subject)", kind: "text", required: true, hint: "mailto:ops@example.com" },
  ],
};
