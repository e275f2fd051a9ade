import type { Channel, ProviderType } from "../domain/enums";
import { fcmProvider } from "./fcm";
import type { ProviderConfig, ProviderModule } from "./provider";
import { resendProvider } from "./resend";
import { sesProvider } from "./ses";
import { slackProvider } from "./slack";
import { smtpProvider } from "./smtp";
import { systemProvider } from "./system";
import { telegramProvider } from "./telegram";
import { twilioProvider } from "./twilio";
import { webhookProvider } from "./webhook";
import { webPushProvider } from "./webpush";

/** Every provider type, one line each; the compiler holds it to PROVIDER_TYPES. */
const MODULES = {
  twilio: twilioProvider,
  resend: resendProvider,
  "aws-ses": sesProvider,
  smtp: smtpProvider,
  webhook: webhookProvider,
  system: systemProvider,
  telegram: telegramProvider,
  slack: slackProvider,
  fcm: fcmProvider,
  webpush: webPushProvider,
} as const satisfies { [T in ProviderType]: { type: T } };

/** A module with its config type forgotten: each module validates its own config with `config.schema` before using it. */
export type AnyProviderModule = ProviderModule<ProviderType, ProviderConfig, string>;

export const PROVIDERS: Readonly<Record<ProviderType, AnyProviderModule>> = MODULES;
export const PROVIDER_MODULES: readonly AnyProviderModule[] = Object.values(PROVIDERS);

/** The module of a type, or undefined for a name no module has (a row written by another build). */
export function providerModule(type: string): AnyProviderModule | undefined {
  return Object.hasOwn(PROVIDERS, type) ? PROVIDERS[type as ProviderType] : undefined;
}

/**
 * The channels whose contacts can write to us. Only an inbound message starts a conversation,
 * so only a send on one of these can join one; any other send skips the lookup.
 */
export const CONVERSATION_CHANNELS: ReadonlySet<Channel> = new Set(
  PROVIDER_MODULES.flatMap((module) => (module.receives && module.channel ? [module.channel] : [])),
);
