import type { ProviderType } from "../domain/enums";
import { PROVIDER_CONFIG_SCHEMAS, type ProviderConfigOf } from "../domain/provider-config";
import type { Provider } from "./provider";
import { ResendProvider } from "./resend-provider";
import { SesProvider } from "./ses-provider";
import { SmtpProvider } from "./smtp-provider";
import { SystemProvider } from "./system-provider";
import { TwilioProvider } from "./twilio-provider";
import { WebhookProvider } from "./webhook-provider";

export type AdapterContext = {
  /** Public base URL of the webhooks worker, for status callbacks. */
  webhooksPublicUrl?: string;
};

type Build<T extends ProviderType> = (id: string, config: ProviderConfigOf<T>, ctx: AdapterContext) => Provider;
const BUILDERS: { [T in ProviderType]?: Build<T> } = {
  system: (id, config) => new SystemProvider(id, config),
  smtp: (id, config) => new SmtpProvider(id, config),
  twilio: (id, config, ctx) => new TwilioProvider(id, config, ctx),
  resend: (id, config) => new ResendProvider(id, config),
  "aws-ses": (id, config) => new SesProvider(id, config),
  webhook: (id, config) => new WebhookProvider(id, config),
};

export class UnsupportedProviderError extends Error {
  constructor(type: ProviderType) {
    super(`No adapter is available for provider type '${type}' in this build`);
    this.name = "UnsupportedProviderError";
  }
}

/** A decrypted config becomes an adapter; the config is re-validated on the way in. */
export function providerFor(type: ProviderType, id: string, config: unknown, ctx: AdapterContext = {}): Provider {
  const build = BUILDERS[type] as Build<ProviderType> | undefined;
  if (!build) throw new UnsupportedProviderError(type);
  return build(id, PROVIDER_CONFIG_SCHEMAS[type].parse(config) as ProviderConfigOf<ProviderType>, ctx);
}
