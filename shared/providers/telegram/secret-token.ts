import { constantTimeEqual } from "../../crypto/constant-time";
import { UnauthorizedError } from "../../http/errors";
import type { CallbackRequest } from "../provider";

const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));

/**
 * Telegram proves a webhook with the `secret_token` given to setWebhook, sent back in
 * `X-Telegram-Bot-Api-Secret-Token`. Compared as SHA-256 digests in constant time, so neither the
 * content nor the length of the secret leaks through timing. No secret configured: nothing is believed.
 */
export async function verifyTelegramSecretToken(request: CallbackRequest, secretToken: string | undefined): Promise<void> {
  if (!secretToken) throw new UnauthorizedError("This Telegram provider has no secretToken, so it cannot receive by webhook");
  const sent = request.headers.get("x-telegram-bot-api-secret-token");
  if (!sent) throw new UnauthorizedError("X-Telegram-Bot-Api-Secret-Token is required");
  if (!constantTimeEqual(await digest(sent), await digest(secretToken)))
    throw new UnauthorizedError("X-Telegram-Bot-Api-Secret-Token does not match");
}
