import type { ProviderSetup } from "../provider";

/** Where resend calls Relay, and how to tell it to. */
export const resendSetup: ProviderSetup = {
  urls: [{ endpoint: "events", label: "Webhook endpoint" }],
  steps: [
    "In Resend open Webhooks → Add Endpoint and paste the URL.",
    "Choose the email events: sent, delivered, delivery_delayed, bounced, complained.",
    "Copy the endpoint's signing secret (whsec_…) into this provider's “Webhook signing secret” below.",
  ],
};
