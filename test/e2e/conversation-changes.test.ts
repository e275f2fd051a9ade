import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeTwilio, twilioSignature } from "../support/node/fakes/fake-twilio";
import { inParallel } from "./harness/providers-setup";
import { eventually, type RelayClient } from "./harness/relay-client";
import type { StackProcess } from "./harness/stack-process";
import { startTwilioStack, type TwilioStack } from "./harness/twilio-stack";

type Message = {
  id: string;
  status: string;
  direction: string;
  lastError: string | null;
  updatedAt: string;
  conversationId: string;
  attachments: { status: string }[];
};
type Changes = { messages: Message[]; conversations: { id: string }[]; next: string; hasMore: boolean };

const OURS = "+15005550006";
const COUNTERPARTS = 40;
const INBOUND = 500;
const OUTBOUND = 500;
const theirs = (index: number) => `+1415555${String(2000 + (index % COUNTERPARTS)).padStart(4, "0")}`;

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

async function textUs(index: number): Promise<void> {
  const url = `${stack.credentials.webhooksUrl}/webhooks/twilio/${twilioId}/inbound`;
  const params = {
    MessageSid: `SM${index.toString(16).padStart(32, "0")}`,
    AccountSid: creds.twilio.accountSid,
    From: theirs(index),
    To: OURS,
    Body: `inbound ${index}`,
  };
  const answer = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilioSignature(creds.twilio.authToken, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  if (answer.status !== 200) throw new Error(`inbound ${index}: ${answer.status}`);
}

/** Half the outbound messages are replies in the conversation, half plain sends to the counterpart (which join it). */
async function sendOut(index: number, conversationIds: string[]): Promise<string> {
  const content = { text: `outbound ${index}` };
  const answer =
    index % 2 === 0
      ? await relay.asTenant<Message>("POST", `/v1/conversations/${conversationIds[index % COUNTERPARTS]}/messages`, { content })
      : await relay.asTenant<Message>("POST", "/v1/messages", { channel: "sms", to: theirs(index), content });
  if (answer.status !== 202) throw new Error(`outbound ${index}: ${JSON.stringify(answer.body)}`);
  return answer.body.data.id;
}

/** One client following `next` from the beginning; every version of a message it is shown, in order. */
function follower() {
  const seen: Message[] = [];
  let token: string | undefined;
  return {
    seen,
    async poll(): Promise<boolean> {
      const query = token ? `?since=${encodeURIComponent(token)}` : "";
      const answer = await relay.asTenant<Changes>("GET", `/v1/conversations/changes${query}`);
      if (answer.status !== 200) throw new Error(`changes: ${JSON.stringify(answer.body)}`);
      seen.push(...answer.body.data.messages);
      token = answer.body.data.next;
      return answer.body.data.hasMore;
    },
  };
}

/** What a change can alter: the status, the error, the attachments' statuses (each change also moves updatedAt but an attachment's). */
const versionOf = (message: Message) =>
  `${message.id}|${message.status}|${message.lastError}|${message.updatedAt}|${message.attachments.map((a) => a.status).join()}`;

describe("GET /v1/conversations/changes under load", () => {
  it("two clients polling while 1,000 inbound and outbound messages land together see every message exactly once", async () => {
    // A conversation per counterpart first, so replies have somewhere to go.
    await inParallel(COUNTERPARTS, 8, (index) => textUs(index));
    const conversations = await eventually(async () => {
      const page = await relay.asTenant<{ items: { id: string; counterpart: string }[] }>("GET", "/v1/conversations?limit=100");
      return page.body.data.items.length === COUNTERPARTS ? page.body.data.items : undefined;
    });
    const byCounterpart = new Map(conversations.map((conversation) => [conversation.counterpart, conversation.id]));
    const conversationIds = Array.from({ length: COUNTERPARTS }, (_, index) => byCounterpart.get(theirs(index)) as string);

    const clients = [follower(), follower()];
    let writing = true;
    const polling = clients.map(async (client) => {
      while (writing) if (!(await client.poll())) await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const [, outboundIds] = await Promise.all([
      inParallel(INBOUND - COUNTERPARTS, 12, (index) => textUs(COUNTERPARTS + index)),
      inParallel(OUTBOUND, 12, (index) => sendOut(index, conversationIds)),
    ]);
    // Every outbound message reaches its last state (sent by Twilio, then its callbacks say delivered).
    await eventually(
      async () => {
        const delivered = twilio.sends.length >= OUTBOUND && twilio.callbacks.filter((c) => c.status === 200).length >= 2 * OUTBOUND;
        return delivered ? true : undefined;
      },
      120_000,
      500,
    );
    writing = false;
    await Promise.all(polling);
    // Caught up: each client follows `next` until nothing more.
    for (const client of clients) while (await client.poll());

    const finalStates = new Map<string, Message>();
    for (const conversationId of conversationIds) {
      const page = await relay.asTenant<{ items: Message[] }>("GET", `/v1/conversations/${conversationId}/messages?limit=100`);
      for (const message of page.body.data.items) finalStates.set(message.id, message);
    }
    expect(finalStates.size).toBe(INBOUND + OUTBOUND);
    expect(outboundIds.every((id) => finalStates.has(id))).toBe(true);

    for (const client of clients) {
      const versions = client.seen.map(versionOf);
      // No version is shown twice…
      expect(new Set(versions).size).toBe(versions.length);
      // …every message is shown, and the last version shown is the message as it is now.
      const lastSeen = new Map(client.seen.map((message) => [message.id, message]));
      expect(lastSeen.size).toBe(INBOUND + OUTBOUND);
      for (const [id, message] of finalStates) expect(versionOf(lastSeen.get(id) as Message)).toBe(versionOf(message));
      // Each message is shown once as new: inbound ones arrive delivered, outbound ones queued.
      const firsts = client.seen.filter((message) => message.status === (message.direction === "inbound" ? "delivered" : "queued"));
      expect(new Set(firsts.map((message) => message.id)).size).toBe(firsts.length);
    }
  });
});
