import { Webhook, WebhookVerificationError } from "standardwebhooks";

export type SvixHeaders = { id?: string; timestamp?: string; signature?: string };
export type SvixVerdict = { ok: true; id: string } | { ok: false; reason: string };

/**
 * Svix-style signatures, as Resend sends them: `svix-signature` holds one or more `v1,<base64>`
 * HMAC-SHA256 of `${svix-id}.${svix-timestamp}.${raw body}`, keyed by the base64 part of the
 * `whsec_` secret; the timestamp must be within 5 minutes either way. Svix's headers are the
 * Standard Webhooks ones under another name, so the `standardwebhooks` library checks them.
 */
export function verifySvixSignature(secret: string, rawBody: string, headers: SvixHeaders): SvixVerdict {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "svix-id, svix-timestamp and svix-signature are required" };
  let webhook: Webhook;
  try {
    webhook = new Webhook(secret);
  } catch {
    return { ok: false, reason: "the provider's webhookSecret is not a usable whsec_ secret" };
  }
  try {
    webhook.verify(rawBody, { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature }, { jsonParse: false });
    return { ok: true, id };
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { ok: false, reason: error.message };
    throw error;
  }
}
