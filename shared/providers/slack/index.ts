import type { ProviderModule } from "../provider";
import { SlackAdapter } from "./adapter";
import { slackCallback } from "./callback";
import { type SlackConfig, slackConfig } from "./config";
import { slackSetup } from "./setup";
import { slackMedia } from "./media";

export const slackProvider: ProviderModule<"slack", SlackConfig> = {
  type: "slack",
  channel: "slack",
  config: slackConfig,
  adapter: (id, config) => new SlackAdapter(id, config),
  callback: slackCallback,
  setup: slackSetup,
  media: slackMedia,
};
