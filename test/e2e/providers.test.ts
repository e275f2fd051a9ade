import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeResend, startFakeResend } from "../support/node/fakes/fake-resend";
import { type FakeTwilio, startFakeTwilio, twilioSignature } from "../support/node/fakes/fake-twilio";
import { addProvider } from "./harness/providers-setup";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Event = { status: string; reason: string | null; source: string; providerId: string | null };
type Message = {
  id: string;
  status: string;
  direction: string;
  to: string;
  from: string | null;
  providerId: string | null;
  providerMessageId: string | null;
  events: Event[];
};

let stack: StackProcess;
let relay: RelayClient;
let twilio: FakeTwilio;
let backupTwilio: FakeTwilio;
let resend: FakeResend;
let twilioId: string;
let backupId: string;
const creds = fakeCredentials();
const backupCreds = fakeCredentials();

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayClient(() => stack.credentials);
  twilio = await startFakeTwilio(creds.twilio.accountSid, creds.twilio.authToken);
  backupTwilio = await startFakeTwilio(backupCreds.twilio.accountSid, backupCreds.twilio.authToken);
  resend = await startFakeResend(creds.resend.apiKey, creds.resend.webhookSecret);
  const tenantId = stack.credentials.tenantId;
  twilioId = await addProvider(relay, tenantId, {
    type: "twilio",
    name: "twilio",
    priority: 0,
    config: { ...creds.twilio, from: "+15005550006", baseUrl: twilio.baseUrl },
  });
  backupId = await addProvider(relay, tenantId, {
    type: "twilio",
    name: "backup twilio",
    priority: 1,
    config: { ...backupCreds.twilio, from: "+15005550007", baseUrl: backupTwilio.baseUrl },
  });
  const resendId = await addProvider(relay, tenantId, {
    type: "resend",
    name: "resend",
    config: { ...creds.resend, from: "relay@example.com", baseUrl: resend.baseUrl },
  });
  resend.setWebhookUrl(`${stack.credentials.webhooksUrl}/webhooks/resend/${resendId}`);
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([twilio?.close(), backupTwilio?.close(), resend?.close()]);
});

const read = async (id: string) => (await relay.asTenant<Message>("GET", `/v1/messages/${id}`)).body.data;
const reaches = (id: string, status: string) => eventually(async () => ((await read(id)).status === status ? read(id) : undefined));
const sendSms = async (to: string, text: string) =>
  (await relay.asTenant<Message>("POST", "/v1/messages", { channel: "sms", to, content: { text } })).body.data.id;

describe("through real adapters to fake providers, with signed callbacks", () => {
  it("an SMS reaches `delivered` through Twilio's signed status callbacks, with the whole timeline", async () => {
    const id = await sendSms("+14155550111", "delivered please");
    const message = await reaches(id, "delivered");
    expect(message.providerId).toBe(twilioId);
    expect(message.providerMessageId).toMatch(/^SM/);
    expect(message.events.map((e) => `${e.source}:${e.status}`)).toEqual([
      "internal:queued",
      "internal:sending",
      "internal:sent",
      "provider:sent",
      "provider:delivered",
    ]);
    expect(twilio.callbacks.every((c) => c.status === 200)).toBe(true);
  });

  it("an email reaches `delivered` through Resend's Svix-signed webhooks, sent once per idempotency key", async () => {
    const sent = await relay.asTenant<Message>("POST", "/v1/messages", {
      channel: "email",
      to: "ada@example.com",
      subject: "Hi",
      content: { html: "<p>Hi</p>", text: "Hi" },
    });
    const message = await reaches(sent.body.data.id, "delivered");
    expect(message.events.filter((e) => e.source === "provider").map((e) => e.status)).toEqual(["sent", "delivered"]);
    const mine = resend.sends.filter((s) => s.idempotencyKey === sent.body.data.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ to: ["ada@example.com"], subject: "Hi", html: "<p>Hi</p>", text: "Hi" });
  });

  it("fails over from an unavailable primary to the secondary; events show both attempts", async () => {
    twilio.setBehaviour({ kind: "fail", status: 503, code: 20503, message: "Service unavailable" }, "+14155550112");
    const id = await sendSms("+14155550112", "failover");
    const message = await reaches(id, "delivered");
    expect(message.providerId).toBe(backupId);
    const attempts = message.events.filter((e) => e.source === "internal" && e.providerId);
    expect(attempts.map((e) => [e.providerId, e.status])).toEqual([
      [twilioId, "sending"],
      [backupId, "sent"],
    ]);
    expect(backupTwilio.sends.some((s) => s.to === "+14155550112")).toBe(true);
  });

  it("a rejected recipient fails at once: no failover, no retry", async () => {
    twilio.setBehaviour(
      { kind: "fail", status: 400, code: 21211, message: "The 'To' number is not a valid phone number." },
      "+14155550113",
    );
    const id = await sendSms("+14155550113", "rejected");
    const message = await reaches(id, "failed");
    expect(message.events.find((e) => e.status === "failed")?.reason).toContain("21211");
    await new Promise((r) => setTimeout(r, 2_000));
    expect(backupTwilio.sends.some((s) => s.to === "+14155550113")).toBe(false);
    expect((await read(id)).events.filter((e) => e.status === "sending" && e.reason?.startsWith("delivery round"))).toHaveLength(1);
  });

  it("an inbound SMS, correctly signed, becomes an inbound message of the tenant", async () => {
    const url = `${stack.credentials.webhooksUrl}/webhooks/twilio/${twilioId}/inbound`;
    const params = {
      MessageSid: `SM${"5".repeat(32)}`,
      AccountSid: creds.twilio.accountSid,
      From: "+14155550199",
      To: "+15005550006",
      Body: "STOP",
    };
    const answer = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilioSignature(creds.twilio.authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("<Response></Response>");
    const listed = await eventually(async () => {
      const page = await relay.asTenant<{ items: Message[] }>("GET", "/v1/messages?to=%2B15005550006");
      return page.body.data.items.find((m) => m.direction === "inbound");
    });
    expect(listed).toMatchObject({ from: "+14155550199", to: "+15005550006", status: "delivered" });

    const forged = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "AAAA" },
      body: new URLSearchParams(params).toString(),
    });
    expect(forged.status).toBe(401);
  });
});
