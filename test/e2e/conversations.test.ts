import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeTwilio, twilioSignature } from "../support/node/fakes/fake-twilio";
import { eventually, type RelayClient } from "./harness/relay-client";
import type { StackProcess } from "./harness/stack-process";
import { startTwilioStack, type TwilioStack } from "./harness/twilio-stack";

type Message = {
  id: string;
  status: string;
  direction: string;
  to: string;
  from: string | null;
  lastError: string | null;
  conversationId: string | null;
};
type Conversation = { id: string; counterpart: string; ourEndpoint: string; unreadCount: number; contact: { phone: string | null } | null };

const OURS = "+15005550006";
const THEIRS = "+14155550601";

let twilioStack: TwilioStack;
let stack: StackProcess;
let relay: RelayClient;
let twilio: FakeTwilio;
let twilioId: string;
const creds = fakeCredentials();

beforeAll(async () => {
  twilioStack = await startTwilioStack(creds.twilio, OURS);
  ({ stack, relay, twilio, twilioId } = twilioStack);
});
afterAll(async () => {
  await twilioStack?.stop();
});

let sidCounter = 0;
const nextSid = () => `SM${String(++sidCounter).padStart(32, "7")}`;
async function textUs(body: string, extra: Record<string, string> = {}, sid = nextSid()) {
  const url = `${stack.credentials.webhooksUrl}/webhooks/twilio/${twilioId}/inbound`;
  const params = {
    MessageSid: sid,
    AccountSid: creds.twilio.accountSid,
    From: THEIRS,
    To: OURS,
    Body: body,
    ...extra,
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
}

const read = async (id: string) => (await relay.asTenant<Message>("GET", `/v1/messages/${id}`)).body.data;
const settles = (id: string) =>
  eventually(async () => {
    const message = await read(id);
    return ["sent", "delivered", "failed"].includes(message.status) ? message : undefined;
  });
const sendsTo = (number: string) => twilio.sends.filter((send) => send.to === number).length;

describe("two-way SMS on the local stack", () => {
  it("threads a signed inbound SMS, replies through Twilio from our number, and honours STOP and START", async () => {
    await textUs("Hello, is this Acme?");
    const conversation = await eventually(async () => {
      const page = await relay.asTenant<{ items: Conversation[] }>("GET", `/v1/conversations?q=${encodeURIComponent(THEIRS)}`);
      return page.body.data.items[0];
    });
    expect(conversation).toMatchObject({ counterpart: THEIRS, ourEndpoint: OURS, unreadCount: 1, contact: { phone: THEIRS } });

    const reply = async (text: string) => {
      const answer = await relay.asTenant<Message>("POST", `/v1/conversations/${conversation.id}/messages`, { content: { text } });
      expect(answer.status).toBe(202);
      expect(answer.body.data.conversationId).toBe(conversation.id);
      return settles(answer.body.data.id);
    };

    const sent = await reply("Yes, how can we help?");
    expect(sent.status).not.toBe("failed");
    expect(twilio.sends.find((send) => send.body === "Yes, how can we help?")).toMatchObject({ to: THEIRS, from: OURS });

    await textUs("STOP");
    const before = sendsTo(THEIRS);
    const refused = await reply("Are you sure?");
    expect(refused).toMatchObject({ status: "failed", lastError: "recipient_opted_out" });
    expect(sendsTo(THEIRS)).toBe(before);

    await textUs("start");
    const again = await reply("Welcome back");
    expect(again.status).not.toBe("failed");
    expect(sendsTo(THEIRS)).toBe(before + 1);

    const thread = await relay.asTenant<{ items: Message[] }>("GET", `/v1/conversations/${conversation.id}/messages?limit=100`);
    expect(thread.body.data.items.map((message) => message.direction)).toEqual([
      "outbound",
      "inbound",
      "outbound",
      "inbound",
      "outbound",
      "inbound",
    ]);
  });

  it("keeps an MMS's media: fetched from Twilio with the account's credentials into R2, served by the API to the tenant only", async () => {
    const sid = nextSid();
    const picture = Buffer.from("GIF89a: a photo of the dent, as bytes");
    const mediaUrl = twilio.addMedia(sid, picture, "image/gif");
    const missingUrl = `${mediaUrl.slice(0, mediaUrl.lastIndexOf("/"))}/MEgone`;
    await textUs("", { NumMedia: "2", MediaUrl0: mediaUrl, MediaContentType0: "image/gif", MediaUrl1: missingUrl }, sid);

    type Attachment = {
      id: string;
      status: string;
      size: number | null;
      contentType: string | null;
      url: string;
      lastError: string | null;
    };
    const attachments = await eventually(async () => {
      const page = await relay.asTenant<{ items: (Message & { attachments: Attachment[] })[] }>("GET", "/v1/messages?channel=sms&limit=5");
      const mms = page.body.data.items.find((message) => message.direction === "inbound" && message.attachments.length === 2);
      return mms?.attachments.every((attachment) => attachment.status !== "pending") ? mms.attachments : undefined;
    });
    expect(attachments).toMatchObject([
      { status: "stored", size: picture.length, contentType: "image/gif", lastError: null },
      { status: "failed", size: null, lastError: "the provider answered 404" },
    ]);
    expect(twilio.mediaRequests.every((request) => request.authorized)).toBe(true);

    const download = await fetch(`${stack.credentials.ingestUrl}${attachments[0].url}`, {
      headers: { authorization: `Bearer ${stack.credentials.apiKey}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("image/gif");
    expect(Buffer.from(await download.arrayBuffer()).equals(picture)).toBe(true);
    expect((await fetch(`${stack.credentials.ingestUrl}${attachments[0].url}`)).status).toBe(401);
  });
});
