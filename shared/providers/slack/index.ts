import type { ProviderModule } from "../provider";
import { SlackAdapter } from "./adapter";
import { slackCallback } from "./callback";
import { type SlackConfig, slackConfig } from "./config";
import { slackMedia } from "./media";
import { slackSetup } from "./setup";

export const slackProvider: ProviderModule<"slack", SlackConfig> = {
  type: "slack",
  channel: "slack",
  receives: true,
  config: slackConfig,
  adapter: (id, config) => new SlackAdapter(id, config),
  callback: slackCallback,
  setup: slackSetup,
  media: slackMedia,
};
