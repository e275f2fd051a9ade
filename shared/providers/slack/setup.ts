import type { ProviderSetup } from "../provider";

/** Where slack calls Relay, and how to tell it to. */
export const slackSetup: ProviderSetup = {
  urls: [{ endpoint: "events", label: "Event Subscriptions Request URL" }],
  steps: [
    "In your Slack app's settings open Event Subscriptions, turn it on and paste the Request URL; Slack checks it at once.",
    "Subscribe to the bot events message.channels and message.im (and message.groups for private channels), then reinstall the app.",
    "Copy Basic Information → App Credentials → Signing Secret into this provider's “Signing secret” below.",
  ],
};
