import { PUBLIC_ONLY, refusedUrl } from "../outbound-policy";
import type { ProviderModule } from "../provider";
import { RefusedProvider } from "../refused-provider";
import { FcmAdapter } from "./adapter";
import { type FcmConfig, fcmConfig } from "./config";

export const fcmProvider: ProviderModule<"fcm", FcmConfig> = {
  type: "fcm",
  channel: "push",
  platforms: ["fcm"],
  config: fcmConfig,
  adapter: (id, config, context) => {
    // The token endpoint sits inside the key file, where the registry's address check does not look.
    const refused = refusedUrl(config.serviceAccount.token_uri, context.outbound ?? PUBLIC_ONLY);
    return refused ? new RefusedProvider(id, "fcm", [{ field: "serviceAccount.token_uri", message: refused }]) : new FcmAdapter(id, config);
  },
};
