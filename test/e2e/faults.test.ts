import { afterAll, afterEach, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeResend, startFakeResend } from "../support/node/fakes/fake-resend";
import { startFakeSmtp } from "../support/node/fakes/fake-smtp";
import { type FakeTwilio, startFakeTwilio } from "../support/node/fakes/fake-twilio";
import { addProvider, inParallel } from "./harness/providers-setup";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Message = { id: string; status: string; lastError: string | null };
const FINISHED = new Set(["sent", "delivered", "failed", "canceled"]);

let stack: StackProcess | undefined;
let twilio: FakeTwilio | undefined;
let resend: FakeResend | undefined;
const closeAfter: (() => Promise<void>)[] = [];
afterEach(async () => {
  await stack?.stop();
  await twilio?.close();
  await resend?.close();
  for (const close of closeAfter.splice(0)) await close();
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
        const answer = await relay.asAdmin<Message>("GET", `/v1/messages/${id}`);
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

/**
 * Dispatch writes an outcome at most OUTCOME_FLUSH_MS (250 ms) after the provider answers; the
 * rest of this window allows for the write itself on a loaded machine.
 */
const UNRECORDED_WINDOW_MS = 250 + 500;

/**
 * Sends a crash may leave unrecorded: those the provider had received but not yet answered at
 * the kill, and those it answered within the window before it.
 */
function inFlightAt(killedAt: number, sends: { receivedAt: number; answeredAt: number }[]): number {
  return sends.filter((send) => send.receivedAt <= killedAt && send.answeredAt >= killedAt - UNRECORDED_WINDOW_MS).length;
}

/** A second tenant with a key of its own. */
async function newTenantKey(relay: RelayClient): Promise<{ id: string; key: string }> {
  const tenant = await relay.asAdmin<{ id: string }>("POST", "/v1/tenants", { name: "tenant b" });
  const key = await relay.asAdmin<{ key: string }>("POST", `/v1/tenants/${tenant.body.data.id}/api-keys`, {
    name: "b",
    scopes: ["send", "read"],
  });
  if (tenant.status !== 201 || key.status !== 201) throw new Error(`tenant b: ${JSON.stringify([tenant.body, key.body])}`);
  return { id: tenant.body.data.id, key: key.body.data.key };
}

/** Messages whose timeline says an earlier send was found at the provider instead of sending again. */
async function countReconciled(relay: RelayClient, ids: string[]): Promise<number> {
  let found = 0;
  for (const id of ids) {
    const answer = await relay.asAdmin<{ events: { reason: string | null }[] }>("GET", `/v1/messages/${id}`);
    if (answer.body.data.events.some((event) => event.reason?.startsWith("found already sent"))) found++;
  }
  return found;
}

describe("fault injection", () => {
  it("SIGKILL with hundreds in flight: none lost; repeats only of sends in flight at the kill, none where Relay could look", async () => {
    stack = await startStackProcess({ cronMs: 1_000, dispatch: { SWEEP_AFTER_SECONDS: 5, LEASE_SECONDS: 8, SEND_TIMEOUT_MS: 3_000 } });
    const relay = relayClient(() => (stack as StackProcess).credentials);
    const creds = fakeCredentials();
    const blindCreds = fakeCredentials();
    twilio = await startFakeTwilio(creds.twilio.accountSid, creds.twilio.authToken);
    const blindTwilio = await startFakeTwilio(blindCreds.twilio.accountSid, blindCreds.twilio.authToken);
    resend = await startFakeResend(creds.resend.apiKey, creds.resend.webhookSecret);
    const smtp = await startFakeSmtp();
    closeAfter.push(blindTwilio.close, smtp.close);
    blindTwilio.setLookups(false);
    for (const fake of [twilio, blindTwilio]) {
      fake.setCallbacks(false);
      fake.setLatency(400);
    }
    resend.setLatency(400);
    smtp.setLatency(400);
    // Tenant A: Twilio (Relay can look up earlier sends) and SMTP (no idempotency key, no lookup).
    const tenantA = stack.credentials.tenantId;
    await addProvider(relay, tenantA, {
      type: "twilio",
      name: "twilio",
      config: { ...creds.twilio, from: "+15005550006", baseUrl: twilio.baseUrl },
    });
    await addProvider(relay, tenantA, {
      type: "smtp",
      name: "smtp",
      config: { host: smtp.host, port: smtp.port, security: "none", from: "relay@example.com" },
    });
    // Tenant B: a Twilio-like gateway without the Messages list, and Resend (idempotency key).
    const tenantB = await newTenantKey(relay);
    await addProvider(relay, tenantB.id, {
      type: "twilio",
      name: "twilio, no lookups",
      config: { ...blindCreds.twilio, from: "+15005550007", baseUrl: blindTwilio.baseUrl },
    });
    await addProvider(relay, tenantB.id, {
      type: "resend",
      name: "resend",
      config: { ...creds.resend, from: "relay@example.com", baseUrl: resend.baseUrl },
    });

    const total = 400;
    const accepted: string[] = [];
    /** Which message number each accepted id is: what the fakes must have received for it. */
    const numberOf = new Map<string, number>();
    const refusals: string[] = [];
    let stackUp = true;
    const sending = inParallel(total, 16, async (i) => {
      // Paced (about 100 a second) so the kill finds accepts still coming as well as sends under way.
      await new Promise((r) => setTimeout(r, 150));
      while (!stackUp) await new Promise((r) => setTimeout(r, 100));
      const email = i % 2 === 0;
      const body = email
        ? { channel: "email", to: `user${i}@example.com`, subject: `n${i}`, content: { text: `email ${i}` } }
        : { channel: "sms", to: `+1415555${String(1000 + i).padStart(4, "0")}`, content: { text: `sms ${i}` } };
      const send = (path: string, payload: unknown) =>
        i % 4 < 2 ? relay.asTenant<Message>("POST", path, payload) : relay.withKey<Message>(tenantB.key, "POST", path, payload);
      const answer = await send("/v1/messages", body).catch((error: Error) => ({
        status: `${error.message}: ${String((error.cause as Error | undefined)?.message ?? error.cause)}`,
      }));
      if (answer.status === 202 && "body" in answer) {
        accepted.push(answer.body.data.id);
        numberOf.set(answer.body.data.id, i);
      } else refusals.push(String(answer.status));
    });
    // Kill mid-stream: some accepted and on the queue, some being sent, some not yet asked.
    const delivering = () => [twilio, blindTwilio, smtp].every((fake) => (fake?.sends.length ?? 0) >= 3);
    await eventually(async () => (accepted.length >= total * 0.7 && delivering() ? true : undefined), 60_000, 20);
    stackUp = false;
    const killedAt = Date.now();
    await stack.kill();
    const sendsBeforeKill = {
      twilio: twilio.sends.length,
      twilioWithoutLookups: blindTwilio.sends.length,
      smtp: smtp.sends.length,
      resend: resend.sends.length,
    };
    const sentBeforeKill = Object.values(sendsBeforeKill).reduce((sum, count) => sum + count, 0);
    const backlogAtKill = accepted.length - sentBeforeKill;
    await stack.restart();
    stackUp = true;
    await sending;

    const settled = await settle(relay, accepted, 150_000);
    const failed = [...settled.values()].filter((m) => m.status === "failed");
    const repeats = {
      twilio: duplicates(twilio.sends.map((s) => s.body)),
      twilioWithoutLookups: duplicates(blindTwilio.sends.map((s) => s.body)),
      smtp: duplicates(smtp.sends.map((s) => s.messageId)),
      resend: duplicates(resend.sends.map((s) => s.idempotencyKey)),
    };
    const inFlight = {
      twilio: inFlightAt(killedAt, twilio.sends),
      twilioWithoutLookups: inFlightAt(killedAt, blindTwilio.sends),
      smtp: inFlightAt(killedAt, smtp.sends),
    };
    const foundAlreadySent = await countReconciled(relay, accepted);
    const openAtKill = twilio.sends.filter((send) => send.receivedAt <= killedAt && send.answeredAt > killedAt).length;
    // A message recorded as sent must have reached its provider: none "found" that never went out.
    const received = {
      twilio: new Set(twilio.sends.map((s) => s.body)),
      twilioWithoutLookups: new Set(blindTwilio.sends.map((s) => s.body)),
      smtp: new Set(smtp.sends.map((s) => s.subject)),
      resend: new Set(resend.sends.map((s) => s.subject)),
    };
    const neverReceived = accepted.filter((id) => {
      const i = numberOf.get(id) ?? -1;
      const [fake, key] = [
        [received.smtp, `n${i}`],
        [received.twilio, `sms ${i}`],
        [received.resend, `n${i}`],
        [received.twilioWithoutLookups, `sms ${i}`],
      ][i % 4] as [Set<string>, string];
      return !fake.has(key);
    });
    console.log(
      JSON.stringify({
        accepted: accepted.length,
        twilioOpenAtKill: openAtKill,
        refusedCount: refusals.length,
        refused: refusals.slice(0, 3),
        backlogAtKill,
        sendsBeforeKill,
        sendsInFlightAtKill: inFlight,
        repeats,
        failed: failed.length,
        resendRequests: resend.requestCount(),
        foundAlreadySent,
      }),
    );
    expect(backlogAtKill).toBeGreaterThanOrEqual(80);
    expect(inFlight.twilio + inFlight.twilioWithoutLookups + inFlight.smtp).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThanOrEqual(total * 0.9);
    expect(settled.size).toBe(accepted.length);
    expect(failed).toEqual([]);
    expect(neverReceived).toEqual([]);
    if (openAtKill > 0) expect(foundAlreadySent).toBeGreaterThan(0);
    expect(repeats.resend).toBe(0);
    expect(repeats.twilio).toBe(0);
    expect(repeats.twilioWithoutLookups).toBeLessThanOrEqual(inFlight.twilioWithoutLookups);
    expect(repeats.smtp).toBeLessThanOrEqual(inFlight.smtp);
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
