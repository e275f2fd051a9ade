import { PUBLIC_ONLY } from "../outbound-policy";
import type { ProviderModule } from "../provider";
import { WebPushAdapter } from "./adapter";
import { type WebPushConfig, webPushConfig } from "./config";

export const webPushProvider: ProviderModule<"webpush", WebPushConfig> = {
  type: "webpush",
  channel: "push",
  platforms: ["webpush"],
  config: webPushConfig,
  adapter: (id, config, context) => new WebPushAdapter(id, config, context.outbound ?? PUBLIC_ONLY),
};
