import type { ProviderModule } from "../provider";
import { WebhookAdapter } from "./adapter";
import { type WebhookConfig, webhookConfig } from "./config";

export const webhookProvider: ProviderModule<"webhook", WebhookConfig> = {
  type: "webhook",
  channel: "webhook",
  config: webhookConfig,
  adapter: (id, config) => new WebhookAdapter(id, config),
};
