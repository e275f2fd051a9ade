import { z } from "zod";
import { BASE_URL_HINT, baseUrlField, secretField } from "../config-fields";
import type { ConfigSpec } from "../provider";

export const twilioConfigSchema = z
  .strictObject({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "a Twilio Account SID: AC + 32 hex digits"),
    authToken: secretField,
    from: z.string().min(1).max(40).optional(),
    messagingServiceSid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, "a Messaging Service SID: MG + 32 hex digits")
      .optional(),
    baseUrl: baseUrlField.optional(),
  })
  .refine((c) => Boolean(c.from) !== Boolean(c.messagingServiceSid), {
    message: "set exactly one of from or messagingServiceSid",
    path: ["from"],
  });
export type TwilioConfig = z.infer<typeof twilioConfigSchema>;

export const twilioConfig: ConfigSpec<TwilioConfig> = {
  schema: twilioConfigSchema,
  maskField: "authToken",
  outbound: [{ field: "baseUrl", kind: "url" }],
  form: [
    { name: "accountSid", label: "Account SID", kind: "text", required: true, hint: "AC followed by 32 hex digits" },
    { name: "authToken", label: "Auth token", kind: "secret", required: true },
    { name: "from", label: "From number", kind: "text", hint: "Set this or the Messaging Service SID" },
    { name: "messagingServiceSid", label: "Messaging Service SID", kind: "text" },
    { name: "baseUrl", label: "Base URL", kind: "url", hint: BASE_URL_HINT },
  ],
};
