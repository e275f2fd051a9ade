import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseMailbox } from "../../shared/domain/mailbox";
import {
  type ApiAnswer,
  call,
  countRows,
  email,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  sms,
  type TenantFixture,
} from "../support/api";

/**
 * Issue 9's lesser findings: what no provider can deliver is refused at acceptance (400, nothing
 * stored), instead of a 202 that fails at dispatch or a number quietly changed.
 */

type Message = { id: string; to: string; from: string | null };

const send = (tenant: TenantFixture, body: unknown) => call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body });
const messageCount = (tenant: TenantFixture) => countRows("messages", "tenant_id = ?", tenant.tenantId);

function expectRefused(answer: ApiAnswer<unknown>, path: string, says: string) {
  const error = expectErrorEnvelope(answer, 400, "INVALID_INPUT");
  const detail = error.details?.find((d) => d.path === path);
  expect(detail?.message, JSON.stringify(error.details)).toContain(says);
}

describe("an email sender no provider can use", () => {
  const unusable = [
    "not an address",
    "noreply@",
    "@acme.test",
    "Acme noreply@acme.test",
    "Acme <noreply@acme.test",
    "Acme\r\nBcc: victim@example.com <noreply@acme.test>",
    "Acme\u0000 <noreply@acme.test>",
    "nöreply@acme.test",
  ];

  it.each(unusable)("is refused at acceptance: %j", async (from) => {
    // The same rule dispatch applies before it reports invalid_sender.
    expect(parseMailbox(from)).toBeNull();
    const tenant = await freshTenant();
    expectRefused(await send(tenant, email({ from })), "from", "must be an email address");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("is refused in a batch too, naming the message", async () => {
    const tenant = await freshTenant();
    const batch = await call("POST", "/v1/messages/batch", {
      key: tenant.sendKey,
      body: { messages: [email(), email({ from: "not an address" })] },
    });
    expectRefused(batch, "messages.1.from", "must be an email address");
    expect(await messageCount(tenant)).toBe(0);
  });

  it.each(["noreply@acme.test", "Acme <noreply@acme.test>", '"Acme, Inc." <noreply@acme.test>'])("accepts %j", async (from) => {
    expect(parseMailbox(from)).not.toBeNull();
    const tenant = await freshTenant();
    expect(expectSuccessEnvelope(await send(tenant, email({ from })), 202).from).toBe(from);
  });
});

describe("a phone number with an extension", () => {
  it.each(["+1 415 555 0100 ext 5", "+1 415 555 0100 x5", "+1 415 555 0100;ext=5", "+14155550100#5", "+44 20 7946 0958 ext. 123"])(
    "is refused as `to`, saying an SMS cannot dial it: %j",
    async (to) => {
      const tenant = await freshTenant();
      expectRefused(await send(tenant, sms({ to })), "to", "an SMS cannot dial");
      expect(await messageCount(tenant)).toBe(0);
    },
  );

  it("is refused as `from` too", async () => {
    const tenant = await freshTenant();
    expectRefused(await send(tenant, sms({ from: "+1 415 555 0199 ext 7" })), "from", "an SMS cannot dial");
  });

  it("the same number without the extension is still accepted and normalised", async () => {
    const tenant = await freshTenant();
    expect(expectSuccessEnvelope(await send(tenant, sms({ to: "+1 415 555 0100" })), 202).to).toBe("+14155550100");
  });
});

it("the suite runs with the local loopback allowance, as every test does", () => {
  expect(env.OUTBOUND_ALLOW_LOOPBACK).toBe("true");
});
