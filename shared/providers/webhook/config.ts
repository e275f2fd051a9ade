import { z } from "zod";
import { baseUrlField } from "../config-fields";
import type { ConfigSpec } from "../provider";

export const webhookConfigSchema = z.strictObject({
  url: baseUrlField,
  secret: z.string().min(24).max(500).optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

export const webhookConfig: ConfigSpec<WebhookConfig> = {
  schema: webhookConfigSchema,
  maskField: "secret",
  outbound: [{ field: "url", kind: "url" }],
  form: [
    { name: "url", label: "URL", kind: "url", required: true },
    { name: "secret", label: "Signing secret", kind: "secret", hint: "At least 24 characters; whsec_… for Standard Webhooks" },
  ],
};
