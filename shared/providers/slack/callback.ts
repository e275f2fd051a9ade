import { parseJsonBody } from "../callback-body";
import type { CallbackRequest, CallbackResult, CallbackSpec, CallbackTarget } from "../provider";
import { slackCallbackUrl } from "./callback-url";
import type { SlackConfig } from "./config";
import { slackEnvelopeOf, slackEventResult } from "./event";
import { verifySlackSignature } from "./signature";

/** Events API requests, signed with the app's signing secret; the URL verification is answered with its challenge. */
export const slackCallback: CallbackSpec<SlackConfig> = {
  url: slackCallbackUrl,
  async handle(request: CallbackRequest, target: CallbackTarget<SlackConfig>): Promise<CallbackResult> {
    await verifySlackSignature(request, target.config.signingSecret);
    const envelope = slackEnvelopeOf(parseJsonBody(request.rawBody));
    if (!envelope) return { kind: "ignored" };
    if (envelope.type === "url_verification")
      return { kind: "answered", reply: { body: envelope.challenge, contentType: "text/plain; charset=utf-8" } };
    return slackEventResult(envelope, target.providerId);
  },
};
