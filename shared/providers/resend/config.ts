import { z } from "zod";
import { BASE_URL_HINT, baseUrlField, emailFromField, secretField } from "../config-fields";
import type { ConfigSpec } from "../provider";

export const resendConfigSchema = z.strictObject({
  apiKey: secretField,
  from: emailFromField,
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, "a Resend signing secret starting whsec_")
    .optional(),
  baseUrl: baseUrlField.optional(),
});
export type ResendConfig = z.infer<typeof resendConfigSchema>;

export const resendConfig: ConfigSpec<ResendConfig> = {
  schema: resendConfigSchema,
  maskField: "apiKey",
  outbound: [{ field: "baseUrl", kind: "url" }],
  form: [
    { name: "apiKey", label: "API key", kind: "secret", required: true },
    { name: "from", label: "From address", kind: "text", required: true },
    { name: "webhookSecret", label: "Webhook signing secret", kind: "secret", hint: "whsec_…" },
    { name: "baseUrl", label: "Base URL", kind: "url", hint: BASE_URL_HINT },
  ],
};
