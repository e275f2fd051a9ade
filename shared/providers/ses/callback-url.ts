import { callbackUrlAt } from "../callback-url";

/** `…/webhooks/ses/<providerId>`, the SNS topic's HTTPS subscription. */
export const sesCallbackUrl = callbackUrlAt("ses", { notifications: "" });
