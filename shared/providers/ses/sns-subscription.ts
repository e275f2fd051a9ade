import { InvalidInputError, ProviderError } from "../../http/errors";
import type { CallbackDeps } from "../provider";
import type { SnsEnvelope } from "./sns-envelope";
import { isSnsEndpointUrl } from "./sns-urls";

/** Confirms a verified SubscriptionConfirmation by calling its SubscribeURL — only ever on SNS's own host. */
export async function confirmSubscription(message: SnsEnvelope, fetch: CallbackDeps["fetch"]): Promise<void> {
  const url = message.SubscribeURL;
  if (!url || !isSnsEndpointUrl(url)) throw new InvalidInputError("SubscribeURL is not an https URL on sns.<region>.amazonaws.com");
  let response: Response;
  try {
    response = await fetch(url, { redirect: "manual" });
  } catch {
    throw new ProviderError("SNS could not be reached to confirm the subscription");
  }
  await response.body?.cancel();
  if (!response.ok) throw new ProviderError(`SNS refused the subscription confirmation (${response.status})`);
}
