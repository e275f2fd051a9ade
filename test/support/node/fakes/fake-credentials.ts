import { randomBytes } from "node:crypto";

/** Credentials for the fake providers, made fresh per run. */
export function fakeCredentials() {
  return {
    twilio: { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: randomBytes(16).toString("hex") },
    resend: { apiKey: `re_${randomBytes(12).toString("hex")}`, webhookSecret: `whsec_${randomBytes(24).toString("base64")}` },
  };
}
