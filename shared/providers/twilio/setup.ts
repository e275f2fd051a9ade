import type { ProviderSetup } from "../provider";

/** Where twilio calls Relay, and how to tell it to. */
export const twilioSetup: ProviderSetup = {
  urls: [{ endpoint: "inbound", label: "A message comes in (inbound SMS)" }],
  steps: [
    "In the Twilio Console open Phone Numbers → Manage → Active numbers and pick the number this provider sends from (or the Messaging Service).",
    "Under Messaging Configuration set “A message comes in” to Webhook, HTTP POST, and paste the inbound URL.",
    "Delivery statuses need nothing here: Relay asks for a status callback on every message it sends.",
  ],
};
