import type { ProviderType } from "../domain/enums";
import { PROVIDER_CONFIG_SCHEMAS, type ProviderConfigOf, refusedAddresses } from "../domain/provider-config";
import { type OutboundPolicy, PUBLIC_ONLY } from "./outbound-policy";
import type { Provider } from "./provider";
import { RefusedProvider } from "./refused-provider";
import { ResendProvider } from "./resend-provider";
import { SesProvider } from "./ses-provider";
import { SmtpProvider } from "./smtp-provider";
import { SystemProvider } from "./system-provider";
import { TwilioProvider } from "./twilio-provider";
import { WebhookProvider } from "./webhook-provider";

export type AdapterContext = {
  /** Public base URL of the webhooks worker, for status callbacks. */
  webhooksPublicUrl?: string;
  /** Where adapters may connect; public host names only unless the environment allows loopback. */
  outbound?: OutboundPolicy;
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

/**
 * A decrypted config becomes an adapter; the config is re-validated on the way in, and its
 * addresses re-checked against the outbound policy (a stored config may predate it).
 */
export function providerFor(type: ProviderType, id: string, config: unknown, ctx: AdapterContext = {}): Provider {
  const build = BUILDERS[type] as Build<ProviderType> | undefined;
  if (!build) throw new UnsupportedProviderError(type);
  const parsed = PROVIDER_CONFIG_SCHEMAS[type].parse(config) as ProviderConfigOf<ProviderType>;
  const refused = refusedAddresses(type, parsed, ctx.outbound ?? PUBLIC_ONLY);
  if (refused.length > 0) return new RefusedProvider(id, type, refused);
  return build(id, parsed, ctx);
}
