import type { ProviderModule } from "../provider";
import { SmtpAdapter } from "./adapter";
import { type SmtpConfig, smtpConfig } from "./config";

export const smtpProvider: ProviderModule<"smtp", SmtpConfig> = {
  type: "smtp",
  channel: "email",
  config: smtpConfig,
  adapter: (id, config) => new SmtpAdapter(id, config),
};
