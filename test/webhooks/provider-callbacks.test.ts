import { describe, expect, it } from "vitest";
import { UnauthorizedError } from "../../shared/http/errors";
import type { CallbackDeps, CallbackRequest } from "../../shared/providers/provider";
import { sesProvider } from "../../shared/providers/ses";
import { twilioProvider } from "../../shared/providers/twilio";
import { configs } from "../support/webhook-fixtures";
import { newMessageSid, statusParams, twilioRequest } from "./helpers/twilio";

const BASE = "https://relay-webhooks.example";
const noFetch: CallbackDeps = { fetch: () => Promise.reject(new Error("no network in this test")) };

/** A provider's callback side takes the request as plain data, with no web framework around it. */
async function plain(request: Request): Promise<CallbackRequest> {
  return { url: request.url, headers: request.headers, rawBody: await request.text() };
}

describe("a provider's callback side, on a plain request", () => {
  const twilio = twilioProvider.callback;
  if (!twilio) throw new Error("Twilio has callbacks");

  it("verifies a Twilio status callback at the URL its adapter builds, and says what it means", async () => {
    const config = configs.twilio();
    const url = twilio.url.build(BASE, { providerId: "prv_t", endpoint: "status", messageId: "msg_m" });
    const route = twilio.url.parse(url);
    if (!route) throw new Error("the built URL parses");
    const sid = newMessageSid();

    const result = await twilio.handle(
      await plain(await twilioRequest(url, statusParams(sid, "delivered"), config.authToken)),
      { route, providerId: "prv_t", config },
      noFetch,
    );

    expect(result).toMatchObject({
      kind: "status",
      providerMessageId: sid,
      messageIdHint: "msg_m",
      event: "delivered",
      outcome: { status: "delivered", advances: true },
      dedupeKey: `twilio:prv_t:${sid}:delivered`,
    });
  });

  it("refuses a Twilio callback signed with another token", async () => {
    const url = twilio.url.build(BASE, { providerId: "prv_t", endpoint: "inbound" });
    const route = twilio.url.parse(url);
    if (!route) throw new Error("the built URL parses");
    const request = await plain(await twilioRequest(url, statusParams(newMessageSid(), "sent"), "another-token"));

    await expect(twilio.handle(request, { route, providerId: "prv_t", config: configs.twilio() }, noFetch)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });

  it("fetches SNS certificates only through the fetch it is given", async () => {
    const ses = sesProvider.callback;
    if (!ses) throw new Error("SES has callbacks");
    const fetched: string[] = [];
    const deps: CallbackDeps = {
      fetch: async (url) => {
        fetched.push(url);
        throw new Error("unreachable");
      },
    };
    const envelope = {
      Type: "Notification",
      MessageId: "m-1",
      TopicArn: "arn:aws:sns:us-east-1:123456789012:ses-events",
      Message: "{}",
      Timestamp: new Date().toISOString(),
      SignatureVersion: "1",
      Signature: "c2lnbmF0dXJl",
      SigningCertURL: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-injected-test.pem",
    };
    const url = `${BASE}/webhooks/ses/prv_s`;
    const route = { providerId: "prv_s", endpoint: "notifications" };

    const answer = ses.handle(
      { url, headers: new Headers(), rawBody: JSON.stringify(envelope) },
      { route, providerId: "prv_s", config: configs.ses() },
      deps,
    );

    await expect(answer).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(fetched).toEqual([envelope.SigningCertURL]);
  });
});
