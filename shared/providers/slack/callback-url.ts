import { callbackUrlAt } from "../callback-url";

/** `…/webhooks/slack/<providerId>`: the app's Event Subscriptions Request URL. */
export const slackCallbackUrl = callbackUrlAt("slack", { events: "" });
