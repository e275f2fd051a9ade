import { InvalidInputError, UnauthorizedError } from "../../http/errors";
import { parseJsonBody } from "../callback-body";
import type { CallbackRequest, CallbackSpec, CallbackTarget } from "../provider";
import { resendCallbackUrl } from "./callback-url";
import type { ResendConfig } from "./config";
import { resendEventOutcome, resendEventSchema } from "./event";
import { verifySvixSignature } from "./svix-signature";

/** Resend's webhook events, signed Svix-style with the config's webhookSecret. */
export const resendCallback: CallbackSpec<ResendConfig> = {
  url: resendCallbackUrl,
  async handle(request: CallbackRequest, target: CallbackTarget<ResendConfig>) {
    const secret = target.config.webhookSecret;
    if (!secret) throw new UnauthorizedError("This Resend provider has no webhookSecret, so no callback to it can be verified");
    const verdict = verifySvixSignature(secret, request.rawBody, {
      id: request.headers.get("svix-id") ?? undefined,
      timestamp: request.headers.get("svix-timestamp") ?? undefined,
      signature: request.headers.get("svix-signature") ?? undefined,
    });
    if (!verdict.ok) throw new UnauthorizedError(`Invalid Resend signature: ${verdict.reason}`);
    const payload = parseJsonBody(request.rawBody);
    const event = resendEventSchema.parse(payload);
    const outcome = resendEventOutcome(event);
    if (!outcome) return { kind: "ignored" };
    const emailId = event.data.email_id;
    if (!emailId) throw new InvalidInputError(`A Resend ${event.type} event must carry data.email_id`);
    return {
      kind: "status",
      providerMessageId: emailId,
      event: event.type,
      outcome,
      dedupeKey: `resend:${target.providerId}:${verdict.id}`,
      rawPayload: payload,
    };
  },
};
