import type { ProviderSetup } from "../provider";

/** Where telegram calls Relay, and how to tell it to. */
export const telegramSetup: ProviderSetup = {
  urls: [{ endpoint: "updates", label: "setWebhook url" }],
  steps: [
    "Choose a webhook secret token (1 to 256 letters, digits, _ or -) and save it in this provider's “Webhook secret token” below.",
    "Call https://api.telegram.org/bot<bot token>/setWebhook with url set to this URL and secret_token set to that token.",
    "No public URL? Set “Receive by” to poll instead: Relay then asks Telegram for new messages every minute.",
  ],
};
