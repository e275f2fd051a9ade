import type { ProviderSetup } from "../provider";

/** Where ses calls Relay, and how to tell it to. */
export const sesSetup: ProviderSetup = {
  urls: [{ endpoint: "notifications", label: "SNS HTTPS subscription endpoint" }],
  steps: [
    "In Amazon SNS create a topic in the provider's region, then an HTTPS subscription to it with this URL; Relay confirms the subscription itself.",
    "In SES, give the configuration set an event destination (or the identity its notifications) that publishes Delivery, Bounce and Complaint to that topic.",
    "Put that configuration set's name in this provider's “Configuration set” below, so every send carries it.",
  ],
};
