import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeResend, startFakeResend } from "../support/node/fakes/fake-resend";
import { type FakeTwilio, startFakeTwilio } from "../support/node/fakes/fake-twilio";
import { addProvider } from "./harness/providers-setup";
import { eventually, type RelayClient, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Rendered = { subject: string | null; html: string | null; text: string | null };
type Message = {
  id: string;
  status: string;
  subject: string | null;
  content: { html?: string; text?: string };
  templateVersion: number | null;
};

let stack: StackProcess;
let relay: RelayClient;
let resend: FakeResend;
let twilio: FakeTwilio;
let tenantAdminKey: string;
const creds = fakeCredentials();

beforeAll(async () => {
  stack = await startStackProcess();
  relay = relayClient(() => stack.credentials);
  resend = await startFakeResend(creds.resend.apiKey, creds.resend.webhookSecret);
  twilio = await startFakeTwilio(creds.twilio.accountSid, creds.twilio.authToken);
  const tenantId = stack.credentials.tenantId;
  await addProvider(relay, tenantId, {
    type: "resend",
    name: "resend",
    config: { ...creds.resend, from: "relay@example.com", baseUrl: resend.baseUrl },
  });
  await addProvider(relay, tenantId, {
    type: "twilio",
    name: "twilio",
    config: { ...creds.twilio, from: "+15005550006", baseUrl: twilio.baseUrl },
  });
  const key = await relay.asAdmin<{ key: string }>("POST", `/v1/tenants/${tenantId}/api-keys`, { name: "templates", scopes: ["admin"] });
  tenantAdminKey = key.body.data.key;
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([resend?.close(), twilio?.close()]);
});

const asTenantAdmin = <T>(method: string, path: string, body?: unknown) => relay.withKey<T>(tenantAdminKey, method, path, body);
const read = async (id: string) => (await relay.asTenant<Message>("GET", `/v1/messages/${id}`)).body.data;

describe("a template through the whole pipeline", () => {
  it("reaches the provider exactly as previewed, and a later change alters no accepted message", async () => {
    const created = await asTenantAdmin<{ id: string }>("POST", "/v1/templates", {
      name: "receipt",
      channel: "email",
      content: {
        subject: "Receipt {{ order.number }}",
        html: "<p>Thanks, {{ name }}!</p><ul>{% for item in order.items %}<li>{{ item }}</li>{% endfor %}</ul>",
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    const data = { name: "Ada <CEO>", order: { number: "A-17", items: ["Tea", "Scones & jam"] } };

    const preview = (await relay.asTenant<Rendered>("POST", `/v1/templates/${id}/render`, { data })).body.data;
    const sent = await relay.asTenant<Message>("POST", "/v1/messages", { channel: "email", to: "ada@example.com", template: { id, data } });
    expect(sent.status).toBe(202);

    const changed = await asTenantAdmin("PATCH", `/v1/templates/${id}`, { content: { subject: "Changed", html: "<p>Changed</p>" } });
    expect(changed.status).toBe(200);

    const delivered = await eventually(async () => resend.sends.find((send) => send.idempotencyKey === sent.body.data.id));
    expect({ subject: delivered.subject, html: delivered.html, text: delivered.text }).toEqual({
      subject: preview.subject,
      html: preview.html,
      text: preview.text,
    });
    expect(preview.text).toBe("Thanks, Ada <CEO>!\n\n * Tea\n * Scones & jam");
    expect(preview.html).toBe("<p>Thanks, Ada &lt;CEO&gt;!</p><ul><li>Tea</li><li>Scones &amp; jam</li></ul>");
    const message = await read(sent.body.data.id);
    expect([message.subject, message.templateVersion]).toEqual(["Receipt A-17", 1]);
  });

  it("a missing variable is refused before anything is stored or sent", async () => {
    const created = await asTenantAdmin<{ id: string }>("POST", "/v1/templates", {
      name: "code",
      channel: "sms",
      content: { text: "Your code is {{ code }}" },
    });
    const before = twilio.sends.length;
    const refused = await relay.asTenant("POST", "/v1/messages", {
      channel: "sms",
      to: "+14155550123",
      template: { id: created.body.data.id },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toContain("code");
    const sent = await relay.asTenant<Message>("POST", "/v1/messages", {
      channel: "sms",
      to: "+14155550123",
      template: { id: created.body.data.id, data: { code: "493817" } },
    });
    const received = await eventually(async () => twilio.sends.slice(before).find((send) => send.body === "Your code is 493817"));
    expect(received.to).toBe("+14155550123");
    expect((await read(sent.body.data.id)).content.text).toBe("Your code is 493817");
  });
});
