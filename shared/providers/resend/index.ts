import type { ProviderModule } from "../provider";
import { ResendAdapter } from "./adapter";
import { resendCallback } from "./callback";
import { type ResendConfig, resendConfig } from "./config";
import { resendSetup } from "./setup";

export const resendProvider: ProviderModule<"resend", ResendConfig> = {
  type: "resend",
  channel: "email",
  config: resendConfig,
  adapter: (id, config) => new ResendAdapter(id, config),
  callback: resendCallback,
  setup: resendSetup,
};
