import { randomBytes } from "node:crypto";

/** Credentials for the fake providers, made fresh per run. */
export function fakeCredentials() {
  return {
    twilio: { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: randomBytes(16).toString("hex") },
    resend: { apiKey: `re_${randomBytes(12).toString("hex")}`, webhookSecret: `whsec_${randomBytes(24).toString("base64")}` },
    telegram: {
      botToken: `${randomBytes(3).readUIntBE(0, 3) + 1}:${randomBytes(18).toString("hex")}`,
      secretToken: randomBytes(16).toString("hex"),
    },
    slack: {
      botToken: `xoxb-${randomBytes(6).toString("hex")}-${randomBytes(12).toString("hex")}`,
      signingSecret: randomBytes(16).toString("hex"),
    },
  };
}
