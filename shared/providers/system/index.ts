import type { ProviderModule } from "../provider";
import { SystemAdapter } from "./adapter";
import { type SystemConfig, systemConfig } from "./config";

export const systemProvider: ProviderModule<"system", SystemConfig> = {
  type: "system",
  channel: null,
  config: systemConfig,
  adapter: (id, config) => new SystemAdapter(id, config),
};
