import type { ProviderModule } from "../provider";
import { SesAdapter } from "./adapter";
import { sesCallback } from "./callback";
import { type SesConfig, sesConfig } from "./config";
import { sesSetup } from "./setup";

export const sesProvider: ProviderModule<"aws-ses", SesConfig> = {
  type: "aws-ses",
  channel: "email",
  config: sesConfig,
  adapter: (id, config) => new SesAdapter(id, config),
  callback: sesCallback,
  setup: sesSetup,
};
