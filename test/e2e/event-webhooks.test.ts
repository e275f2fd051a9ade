import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeEventEndpoint, startFakeEventEndpoint } from "../support/node/fakes/fake-event-endpoint";
import { type FakeTwilio, startFakeTwilio } from "../support/node/fakes/fake-twilio";
import { addProvider, inParallel } from "./harness/providers-setup";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Endpoint = { id: string; secret: string };
type Attempt = { ok: boolean; statusCode: number | null; eventId: string };

let stack: StackProcess;
let relay: RelayClient;
let twilio: FakeTwilio;
let endpoint: FakeEventEndpoint;
let disabledEndpoint: FakeEventEndpoint;
let endpointId: string;
const creds = fakeCredentials();

/** Short event retries and a quick sweep: what a day takes deployed takes seconds here. */
const EVENT_VARS = { EVENT_RETRY_SCHEDULE: "1,1,2,2,3,3,5,5,8,8", EVENT_SWEEP_AFTER_SECONDS: 3 };

async function addEndpoint(url: string, enabled = true): Promise<Endpoint> {
  const created = await relay.asAdmin<Endpoint>("POST", "/v1/webhook-endpoints", { url, enabled, tenantId: stack.credentials.tenantId });
  if (created.status !== 201) throw new Error(`endpoint: ${JSON.stringify(created.body)}`);
  return created.body.data;
}

const sendSms = async (to: string, text: string) => {
  const answer = await relay.asTenant<{ id: string }>("POST", "/v1/messages", { channel: "sms", to, content: { text } });
  if (answer.status !== 202) throw new Error(`send: ${JSON.stringify(answer.body)}`);
  return answer.body.data.id;
};

/** Waits until the endpoint has verified events of every one of `types` about the message. */
const received = (fake: FakeEventEndpoint, messageId: string, types: string[], timeoutMs = 60_000) =>
  eventually(
    async () => (types.every((type) => fake.typesFor(messageId).includes(type)) ? fake.typesFor(messageId) : undefined),
    timeoutMs,
    250,
  );

beforeAll(async () => {
  stack = await startStackProcess({ cronMs: 1_000, dispatch: EVENT_VARS });
  relay = relayClient(() => stack.credentials);
  twilio = await startFakeTwilio(creds.twilio.accountSid, creds.twilio.authToken);
  await addProvider(relay, stack.credentials.tenantId, {
    type: "twilio",
    name: "twilio",
    config: { ...creds.twilio, from: "+15005550006", baseUrl: twilio.baseUrl },
  });
  endpoint = await startFakeEventEndpoint();
  disabledEndpoint = await startFakeEventEndpoint();
  const created = await addEndpoint(endpoint.url);
  endpointId = created.id;
  endpoint.trust(created.secret);
  disabledEndpoint.trust((await addEndpoint(disabledEndpoint.url, false)).secret);
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([twilio?.close(), endpoint?.close(), disabledEndpoint?.close()]);
});

describe("event webhooks over the real stack", () => {
  it("an endpoint on 127.0.0.1 receives message.sent and message.delivered for a send, verified with its secret", async () => {
    const id = await sendSms("+14155550121", "tell my endpoint");
    await received(endpoint, id, ["message.sent", "message.delivered"]);
    const events = endpoint.events.filter((event) => event.data.id === id);
    for (const event of events) {
      expect(event.webhookId).toBe(event.id);
      expect(event.id).toMatch(/^evt_/);
      expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false);
    }
    expect(events.find((event) => event.type === "message.delivered")?.data.status).toBe("delivered");
    expect(endpoint.unverified()).toBe(0);
  });

  it("when the endpoint answers 500 for a while, deliveries retry and then arrive; the attempts say so", async () => {
    endpoint.answerWith(500);
    const id = await sendSms("+14155550122", "retry me");
    await eventually(async () => (endpoint.refusedStatuses.length >= 2 ? true : undefined), 60_000, 250);
    expect(endpoint.typesFor(id)).toEqual([]);
    endpoint.answerWith(200);
    await received(endpoint, id, ["message.sent", "message.delivered"]);

    const attempts = await relay.asAdmin<{ items: Attempt[] }>("GET", `/v1/webhook-endpoints/${endpointId}/attempts?limit=100`);
    const sentEvent = endpoint.events.find((event) => event.data.id === id && event.type === "message.sent");
    const forSent = attempts.body.data.items.filter((attempt) => attempt.eventId === sentEvent?.id);
    expect(forSent.some((attempt) => !attempt.ok && attempt.statusCode === 500)).toBe(true);
    expect(forSent.some((attempt) => attempt.ok && attempt.statusCode === 200)).toBe(true);
  });

  it("a disabled endpoint receives nothing", async () => {
    const id = await sendSms("+14155550123", "not for the disabled one");
    await received(endpoint, id, ["message.sent", "message.delivered"]);
    expect(disabledEndpoint.events).toEqual([]);
    expect(disabledEndpoint.unverified()).toBe(0);
    expect(disabledEndpoint.refusedStatuses).toEqual([]);
  });

  it("SIGKILL of the stack with events in flight loses none: every event arrives at least once after the restart", async () => {
    endpoint.setLatency(300);
    const ids = await inParallel(40, 8, (index) => sendSms(`+1415555${String(1300 + index).padStart(4, "0")}`, `burst ${index}`));
    // Some events have arrived, many are still being fanned out or posted.
    await eventually(async () => (ids.some((id) => endpoint.typesFor(id).length > 0) ? true : undefined), 60_000, 100);
    await stack.kill();
    const beforeRestart = new Set(endpoint.events.map((event) => event.id)).size;
    await stack.restart();
    endpoint.setLatency(0);
    // Twilio's status callbacks during the kill are lost with it (Twilio would retry; the fake
    // does not), so a message may stay `sent`: each message's own timeline says what it owes.
    for (const id of ids) {
      const status = await eventually(async () => {
        const message = (await relay.asTenant<{ status: string }>("GET", `/v1/messages/${id}`)).body.data;
        return ["sent", "delivered"].includes(message.status) ? message.status : undefined;
      }, 120_000);
      const owed = status === "delivered" ? ["message.sent", "message.delivered"] : ["message.sent"];
      await received(endpoint, id, owed, 120_000).catch((error) => {
        throw new Error(`${id} (${status}) got ${JSON.stringify(endpoint.typesFor(id))}: ${error}`);
      });
    }
    const unique = new Set(endpoint.events.map((event) => event.id)).size;
    expect(unique).toBeGreaterThan(beforeRestart);
    expect(endpoint.unverified()).toBe(0);
    expect(disabledEndpoint.events).toEqual([]);
  });
});
