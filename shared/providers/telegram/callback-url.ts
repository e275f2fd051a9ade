import { callbackUrlAt } from "../callback-url";

/** `…/webhooks/telegram/<providerId>`: the URL to give setWebhook. */
export const telegramCallbackUrl = callbackUrlAt("telegram", { updates: "" });
