import { describe, expect, it } from "vitest";
import { PROVIDER_MODULES } from "../../shared/providers/registry";
import { resendCallbackUrl } from "../../shared/providers/resend/callback-url";
import { sesCallbackUrl } from "../../shared/providers/ses/callback-url";
import { twilioCallbackUrl } from "../../shared/providers/twilio/callback-url";

const BASE = "https://relay-webhooks.example/";

describe("callback URLs, built and parsed by one module per provider", () => {
  it("builds Twilio's status callback as dispatch always has, and reads it back", () => {
    const url = twilioCallbackUrl.build(BASE, { providerId: "prv_a1", endpoint: "status", messageId: "msg_b2" });
    expect(url).toBe("https://relay-webhooks.example/webhooks/twilio/prv_a1?messageId=msg_b2");
    expect(twilioCallbackUrl.parse(url)).toEqual({ providerId: "prv_a1", endpoint: "status", messageId: "msg_b2" });
  });

  it("reads Twilio's inbound URL, and takes as messageId only what has a message id's shape", () => {
    const inbound = twilioCallbackUrl.build(BASE, { providerId: "prv_a1", endpoint: "inbound" });
    expect(inbound).toBe("https://relay-webhooks.example/webhooks/twilio/prv_a1/inbound");
    expect(twilioCallbackUrl.parse(inbound)).toEqual({ providerId: "prv_a1", endpoint: "inbound" });
    expect(twilioCallbackUrl.parse(`${BASE}webhooks/twilio/prv_a1?messageId=prv_x`)).toEqual({ providerId: "prv_a1", endpoint: "status" });
  });

  it("is not fooled by a trailing slash, another suffix, another provider or a missing id", () => {
    for (const url of [
      `${BASE}webhooks/twilio/prv_a1/`,
      `${BASE}webhooks/twilio/prv_a1/outbound`,
      `${BASE}webhooks/twilio/prv_a1/inbound/x`,
      `${BASE}webhooks/resend/prv_a1`,
      `${BASE}webhooks/twilio/`,
      `${BASE}hooks/twilio/prv_a1`,
    ])
      expect(twilioCallbackUrl.parse(url)).toBeNull();
  });

  it("gives Resend and SES one URL each, under their own path", () => {
    expect(resendCallbackUrl.build(BASE, { providerId: "prv_r", endpoint: "events" })).toBe(`${BASE}webhooks/resend/prv_r`);
    expect(sesCallbackUrl.build(BASE, { providerId: "prv_s", endpoint: "notifications" })).toBe(`${BASE}webhooks/ses/prv_s`);
    expect(sesCallbackUrl.parse(`${BASE}webhooks/ses/prv_s`)).toEqual({ providerId: "prv_s", endpoint: "notifications" });
    expect(sesCallbackUrl.parse(`${BASE}webhooks/ses/prv_s/inbound`)).toBeNull();
  });

  it("lets every callback URL belong to exactly one registered provider", () => {
    const claimants = (url: string) => PROVIDER_MODULES.filter((module) => module.callback?.url.parse(url)).map((module) => module.type);
    expect(claimants(`${BASE}webhooks/twilio/prv_1?messageId=msg_1`)).toEqual(["twilio"]);
    expect(claimants(`${BASE}webhooks/twilio/prv_1/inbound`)).toEqual(["twilio"]);
    expect(claimants(`${BASE}webhooks/resend/prv_1`)).toEqual(["resend"]);
    expect(claimants(`${BASE}webhooks/ses/prv_1`)).toEqual(["aws-ses"]);
    expect(claimants(`${BASE}webhooks/telegram/prv_1`)).toEqual(["telegram"]);
    expect(claimants(`${BASE}webhooks/slack/prv_1`)).toEqual(["slack"]);
    expect(claimants(`${BASE}webhooks/slack/prv_1/events`)).toEqual([]);
    expect(claimants(`${BASE}webhooks/mailgun/prv_1`)).toEqual([]);
  });
});
