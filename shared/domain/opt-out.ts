/**
 * Why an address is suppressed: `keyword` (the recipient texted STOP), `provider` (the provider
 * reported them unsubscribed, e.g. Twilio 21610), `bounce` / `complaint` (email), `operator`.
 */
export const OPT_OUT_SOURCES = ["keyword", "provider", "bounce", "complaint", "operator"] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

/** The error a send to a suppressed address fails with. */
export const OPTED_OUT_ERROR = "recipient_opted_out";

/** How a suppression list names an address: E.164 as given, email in lower case. */
export function suppressionAddress(address: string): string {
  return address.trim().toLowerCase();
}
