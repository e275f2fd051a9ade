import type { ProviderModule } from "../provider";
import { TelegramAdapter } from "./adapter";
import { telegramCallback } from "./callback";
import { type TelegramConfig, telegramConfig } from "./config";
import { telegramMedia } from "./media";
import { telegramSetup } from "./setup";
import { telegramUpdatesPoll } from "./updates-poll";

export const telegramProvider: ProviderModule<"telegram", TelegramConfig> = {
  type: "telegram",
  channel: "telegram",
  receives: true,
  config: telegramConfig,
  adapter: (id, config) => new TelegramAdapter(id, config),
  callback: telegramCallback,
  setup: telegramSetup,
  poll: telegramUpdatesPoll,
  media: telegramMedia,
};
