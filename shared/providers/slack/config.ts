import { z } from "zod";
import { BASE_URL_HINT, baseUrlField } from "../config-fields";
import type { ConfigSpec } from "../provider";

export const slackConfigSchema = z.strictObject({
  botToken: z.string().regex(/^xox[a-z]-[A-Za-z0-9-]{10,250}$/, "a Slack bot token, xoxb-…"),
  /** The app's Signing Secret (Basic Information), which signs every Events API request. */
  signingSecret: z.string().regex(/^[A-Za-z0-9]{16,128}$/, "the app's Signing Secret: 16 to 128 letters and digits"),
  baseUrl: baseUrlField.optional(),
});
export type SlackConfig = z.infer<typeof slackConfigSchema>;

export const slackConfig: ConfigSpec<SlackConfig> = {
  schema: slackConfigSchema,
  maskField: "botToken",
  outbound: [{ field: "baseUrl", kind: "url" }],
  form: [
    { name: "botToken", label: "Bot token", kind: "secret", required: true, hint: "xoxb-…, with chat:write" },
    { name: "signingSecret", label: "Signing secret", kind: "secret", required: true, hint: "Basic Information → App Credentials" },
    { name: "baseUrl", label: "Base URL", kind: "url", hint: `${BASE_URL_HINT} Default https://slack.com/api` },
  ],
};
