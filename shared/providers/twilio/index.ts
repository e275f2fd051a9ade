import type { ProviderModule } from "../provider";
import { TwilioAdapter } from "./adapter";
import { twilioCallback } from "./callback";
import { type TwilioConfig, twilioConfig } from "./config";
import { twilioMedia } from "./media";
import { twilioSetup } from "./setup";

export const twilioProvider: ProviderModule<"twilio", TwilioConfig> = {
  type: "twilio",
  channel: "sms",
  receives: true,
  config: twilioConfig,
  adapter: (id, config, context) => new TwilioAdapter(id, config, context),
  callback: twilioCallback,
  setup: twilioSetup,
  media: twilioMedia,
};
