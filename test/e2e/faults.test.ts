import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type FakeResend, startFakeResend } from "./harness/fake-resend";
import { type FakeTwilio, startFakeTwilio } from "./harness/fake-twilio";
import { addProvider, fakeCredentials, inParallel } from "./harness/providers-setup";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Message = { id: string; status: string; lastError: string | null };
const FINISHED = new Set(["sent", "delivered", "failed", "canceled"]);

let stack: StackProcess | undefined;
let twilio: FakeTwilio | undefined;
let resend: FakeResend | undefined;
afterEach(async () => {
  await stack?.stop();
  await twilio?.close();
  await resend?.close();
});
afterAll(() => {
  stack = twilio = resend = undefined;
});

/** Every accepted message, read back through the API until none is still in flight. */
async function settle(relay: RelayClient, ids: string[], timeoutMs: number): Promise<Map<string, Message>> {
  return eventually(
    async () => {
      const seen = new Map<string, Message>();
      for (const id of ids) {
        const answer = await relay.asTenant<Message>("GET", `/v1/messages/${id}`);
        if (answer.status !== 200) throw new Error(`message ${id} answered ${answer.status}: it vanished`);
        if (!FINISHED.has(answer.body.data.status)) return undefined;
        seen.set(id, answer.body.data);
      }
      return seen;
    },
    timeoutMs,
    1_000,
  );
}

function duplicates(keys: (string | null)[]): number {
  return keys.length - new Set(keys).size;
}

describe("fault injection", () => {
  it("SIGKILL with hundreds in flight: every accepted message ends settled, none lost, no duplicate email", async () => {
    stack = await startStackProcess({ cronMs: 1_000, dispatch: { SWEEP_AFTER_SECONDS: 5, LEASE_SECONDS: 8, SEND_TIMEOUT_MS: 3_000 } });
    const relay = relayClient(() => (stack as StackProcess).credentials);
    const creds = fakeCredentials();
    twilio = await startFakeTwilio(creds.twilio.accountSid, creds.twilio.authToken);
    resend = await startFakeResend(creds.resend.apiKey, creds.resend.webhookSecret);
    twilio.setCallbacks(false);
    twilio.setLatency(400);
    resend.setLatency(400);
    const tenantId = stack.credentials.tenantId;
    await addProvider(relay, tenantId, {
      type: "twilio",
      name: "fake twilio",
      config: { ...creds.twilio, from: "+15005550006", baseUrl: twilio.baseUrl },
    });
    await addProvider(relay, tenantId, {
      type: "resend",
      name: "fake resend",
      config: { ...creds.resend, from: "relay@example.com", baseUrl: resend.baseUrl },
    });

    const total = 400;
    const accepted: string[] = [];
    const refusals: string[] = [];
    let stackUp = true;
    const sending = inParallel(total, 16, async (i) => {
      while (!stackUp) await new Promise((r) => setTimeout(r, 100));
      const body =
        i % 2 === 0
          ? { channel: "email", to: `user${i}@example.com`, subject: `n${i}`, content: { text: `email ${i}` } }
          : { channel: "sms", to: `+1415555${String(1000 + i).padStart(4, "0")}`, content: { text: `sms ${i}` } };
      const answer = await relay
        .asTenant<Message>("POST", "/v1/messages", body)
        .catch((error: Error) => ({ status: `${error.message}: ${String((error.cause as Error | undefined)?.message ?? error.cause)}` }));
      if (answer.status === 202 && "body" in answer) accepted.push(answer.body.data.id);
      else refusals.push(String(answer.status));
    });
    // Kill mid-stream: some accepted and on the queue, some being sent, some not yet asked.
    await eventually(async () => (accepted.length >= total / 2 ? true : undefined), 60_000, 20);
    stackUp = false;
    await stack.kill();
    const inFlightAtKill = accepted.length - resend.sends.length - twilio.sends.length;
    await stack.restart();
    stackUp = true;
    await sending;

    const settled = await settle(relay, accepted, 150_000);
    const statuses = [...settled.values()].map((m) => m.status);
    const failed = [...settled.values()].filter((m) => m.status === "failed");
    console.log(
      JSON.stringify({
        accepted: accepted.length,
        refused: refusals.slice(0, 3).concat(refusals.slice(-3)),
        refusedCount: refusals.length,
        inFlightAtKill,
        sent: statuses.filter((s) => s === "sent" || s === "delivered").length,
        failed: failed.length,
        resendRequests: resend.requestCount(),
        resendSends: resend.sends.length,
        resendDuplicates: duplicates(resend.sends.map((s) => s.idempotencyKey)),
        twilioSends: twilio.sends.length,
        twilioDuplicates: duplicates(twilio.sends.map((s) => s.body)),
      }),
    );
    expect(inFlightAtKill).toBeGreaterThanOrEqual(100);
    expect(accepted.length).toBeGreaterThanOrEqual(total * 0.9);
    expect(settled.size).toBe(accepted.length);
    expect(failed).toEqual([]);
    expect(duplicates(resend.sends.map((s) => s.idempotencyKey))).toBe(0);
  });

  it("providers flapping (random 500s and timeouts): every message still ends sent", async () => {
    stack = await startStackProcess({ cronMs: 1_000, dispatch: { SEND_TIMEOUT_MS: 1_000, BREAKER_COOLDOWN_SECONDS: 2 } });
    const relay = relayClient(() => (stack as StackProcess).credentials);
    const creds = fakeCredentials();
    resend = await startFakeResend(creds.resend.apiKey, creds.resend.webhookSecret);
    const other = fakeCredentials();
    const second = await startFakeResend(other.resend.apiKey, other.resend.webhookSecret);
    resend.setBehaviour({ kind: "flaky", rate: 0.2 });
    second.setBehaviour({ kind: "flaky", rate: 0.2 });
    const tenantId = stack.credentials.tenantId;
    await addProvider(relay, tenantId, {
      type: "resend",
      name: "primary",
      priority: 0,
      config: { ...creds.resend, from: "a@example.com", baseUrl: resend.baseUrl },
    });
    await addProvider(relay, tenantId, {
      type: "resend",
      name: "secondary",
      priority: 1,
      config: { ...other.resend, from: "b@example.com", baseUrl: second.baseUrl },
    });

    const ids = await inParallel(120, 12, async (i) => {
      const answer = await relay.asTenant<Message>("POST", "/v1/messages", {
        channel: "email",
        to: `f${i}@example.com`,
        subject: "flap",
        content: { text: `flap ${i}` },
      });
      return answer.body.data.id;
    });
    const settled = await settle(relay, ids, 120_000);
    try {
      expect([...settled.values()].filter((m) => m.status !== "sent")).toEqual([]);
      const keys = [...resend.sends, ...second.sends].map((s) => s.idempotencyKey);
      console.log(
        JSON.stringify({
          messages: ids.length,
          primarySends: resend.sends.length,
          secondarySends: second.sends.length,
          crossProviderDuplicates: duplicates(keys),
        }),
      );
    } finally {
      await second.close();
    }
  });
});
