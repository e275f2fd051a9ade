import { z } from "zod";
import { BASE_URL_HINT, baseUrlField } from "../config-fields";
import type { ConfigSpec } from "../provider";

export const telegramConfigSchema = z.strictObject({
  botToken: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, "a bot token from @BotFather: <bot id>:<secret>"),
  /** What Telegram sends back in X-Telegram-Bot-Api-Secret-Token; without it no webhook is believed. */
  secretToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "16 to 256 characters: letters, digits, _ and -")
    .optional(),
  /** `webhook` (default): Telegram posts updates to Relay. `poll`: Relay's cron asks with getUpdates. */
  mode: z.enum(["webhook", "poll"]).optional(),
  baseUrl: baseUrlField.optional(),
});
export type TelegramConfig = z.infer<typeof telegramConfigSchema>;

export const telegramConfig: ConfigSpec<TelegramConfig> = {
  schema: telegramConfigSchema,
  maskField: "botToken",
  outbound: [{ field: "baseUrl", kind: "url" }],
  form: [
    { name: "botToken", label: "Bot token", kind: "secret", required: true, hint: "From @BotFather" },
    {
      name: "secretToken",
      label: "Webhook secret token",
      kind: "secret",
      hint: "The secret_token given to setWebhook; required to receive by webhook",
    },
    { name: "mode", label: "Receive by", kind: "select", options: ["", "webhook", "poll"], hint: "poll: no public URL needed" },
    { name: "baseUrl", label: "Base URL", kind: "url", hint: BASE_URL_HINT },
  ],
};

/** The bot's own user id: the part of the token before the colon, which Telegram shows publicly. */
export function botIdOf(config: TelegramConfig): string {
  return config.botToken.slice(0, config.botToken.indexOf(":"));
}
