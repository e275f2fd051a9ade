import { parseJsonBody } from "../callback-body";
import type { CallbackRequest, CallbackResult, CallbackSpec, CallbackTarget } from "../provider";
import { slackCallbackUrl } from "./callback-url";
import type { SlackConfig } from "./config";
import { slackEnvelopeOf, slackEventResult } from "./event";
import { verifySlackSignature } from "./signature";

/** Slack's deprecated verification token is a credential: the stored payload leaves it out. */
function withoutVerificationToken(body: unknown): unknown {
  if (typeof body !== "object" || body === null) return body;
  const { token: _token, ...rest } = body as Record<string, unknown>;
  return rest;
}

/** Events API requests, signed with the app's signing secret; the URL verification is answered with its challenge. */
export const slackCallback: CallbackSpec<SlackConfig> = {
  url: slackCallbackUrl,
  async handle(request: CallbackRequest, target: CallbackTarget<SlackConfig>): Promise<CallbackResult> {
    await verifySlackSignature(request, target.config.signingSecret);
    const body = parseJsonBody(request.rawBody);
    const envelope = slackEnvelopeOf(body);
    if (!envelope) return { kind: "ignored" };
    if (envelope.type === "url_verification")
      return { kind: "answered", reply: { body: envelope.challenge, contentType: "text/plain; charset=utf-8" } };
    return slackEventResult(envelope, withoutVerificationToken(body), target.providerId);
  },
};
