import { InvalidInputError } from "../../http/errors";
import { parseJsonBody } from "../callback-body";
import type { CallbackRequest, CallbackSpec, CallbackTarget } from "../provider";
import { telegramCallbackUrl } from "./callback-url";
import { botIdOf, type TelegramConfig } from "./config";
import { verifyTelegramSecretToken } from "./secret-token";
import { inboundOfUpdate, telegramUpdateSchema } from "./update";

/** Bot updates posted by Telegram to the URL given to setWebhook, proven by the secret token. */
export const telegramCallback: CallbackSpec<TelegramConfig> = {
  url: telegramCallbackUrl,
  async handle(request: CallbackRequest, target: CallbackTarget<TelegramConfig>) {
    await verifyTelegramSecretToken(request, target.config.secretToken);
    const body = parseJsonBody(request.rawBody);
    const update = telegramUpdateSchema.safeParse(body);
    if (!update.success) throw new InvalidInputError("The body is not a Telegram update");
    return inboundOfUpdate(update.data, body, target.providerId, botIdOf(target.config)) ?? { kind: "ignored" };
  },
};
