import { refusedAddresses } from "./config-rules";
import { PUBLIC_ONLY } from "./outbound-policy";
import type { AdapterContext, Provider } from "./provider";
import { RefusedProvider } from "./refused-provider";
import { providerModule } from "./registry";

export class UnsupportedProviderError extends Error {
  constructor(type: string) {
    super(`No adapter is available for provider type '${type}' in this build`);
    this.name = "UnsupportedProviderError";
  }
}

/**
 * A decrypted config becomes an adapter; the config is re-validated on the way in, and its
 * addresses re-checked against the outbound policy (a stored config may predate it).
 */
export function providerFor(type: string, id: string, config: unknown, ctx: AdapterContext = {}): Provider {
  const module = providerModule(type);
  if (!module) throw new UnsupportedProviderError(type);
  const parsed = module.config.schema.parse(config);
  const refused = refusedAddresses(module.type, parsed, ctx.outbound ?? PUBLIC_ONLY);
  if (refused.length > 0) return new RefusedProvider(id, module.type, refused);
  return module.adapter(id, parsed, ctx);
}
