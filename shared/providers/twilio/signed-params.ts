import { InvalidInputError, UnauthorizedError } from "../../http/errors";
import { parseJsonBody } from "../callback-body";
import type { CallbackRequest } from "../provider";
import { bodyMatchesSha256, type FormParams, isValidTwilioSignature } from "./signature";

/** A JSON body's top-level scalars as Twilio-style parameters. */
function jsonParams(raw: string): FormParams {
  const body = parseJsonBody(raw);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new InvalidInputError("The JSON body is not an object");
  return Object.entries(body).flatMap(([name, value]) =>
    typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? [[name, String(value)] as const] : [],
  );
}

/**
 * The request's parameters, once `X-Twilio-Signature` proves they come from the account with
 * this auth token: a form body is signed with the URL; a JSON body is signed through the URL's
 * `bodySHA256` parameter, which must also match the body. The full request URL is what is signed.
 */
export async function verifiedTwilioParams(request: CallbackRequest, authToken: string): Promise<Record<string, string>> {
  const signature = request.headers.get("x-twilio-signature");
  if (!signature) throw new UnauthorizedError("X-Twilio-Signature is required");
  const { url, rawBody: raw } = request;
  const bodySha256 = new URL(url).searchParams.get("bodySHA256");
  if (bodySha256 !== null) {
    const valid = (await isValidTwilioSignature(authToken, url, [], signature)) && (await bodyMatchesSha256(raw, bodySha256));
    if (!valid) throw new UnauthorizedError("X-Twilio-Signature or bodySHA256 does not match");
    return Object.fromEntries(jsonParams(raw));
  }
  const params = [...new URLSearchParams(raw)];
  if (!(await isValidTwilioSignature(authToken, url, params, signature))) throw new UnauthorizedError("X-Twilio-Signature does not match");
  return Object.fromEntries(params);
}
