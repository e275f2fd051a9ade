import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeCredentials } from "../support/node/fakes/fake-credentials";
import { type FakeOpenAiCompatible, startFakeOpenAiCompatible } from "../support/node/fakes/fake-openai-compatible";
import { twilioSignature } from "../support/node/fakes/fake-twilio";
import { eventually, type RelayClient } from "./harness/relay-client";
import type { StackProcess } from "./harness/stack-process";
import { startTwilioStack, type TwilioStack } from "./harness/twilio-stack";

type Analysis = { status: string; analyzer: string; category: string | null; priority: string; summary: string | null; tokens: number };
type Conversation = { id: string; counterpart: string; analysis: Analysis | null };

const OURS = "+15005550006";
const MODEL_KEY = "sk-local-e2e-0000-7777";

let twilioStack: TwilioStack;
let stack: StackProcess;
let relay: RelayClient;
let model: FakeOpenAiCompatible;
let twilioId: string;
const creds = fakeCredentials();

beforeAll(async () => {
  twilioStack = await startTwilioStack(creds.twilio, OURS);
  ({ stack, relay, twilioId } = twilioStack);
  model = await startFakeOpenAiCompatible(() =>
    JSON.stringify({
      category: "order_status",
      priority: "high",
      summary: "The customer asks where their order is.",
      sentiment: "negative",
      language: "es",
      needsReply: true,
      suggestedReply: "Lo revisamos ahora mismo.",
    }),
  );
});
afterAll(async () => {
  await twilioStack?.stop();
  await model?.close();
});

let sidCounter = 0;
async function textUs(from: string, body: string) {
  const url = `${stack.credentials.webhooksUrl}/webhooks/twilio/${twilioId}/inbound`;
  const params = {
    MessageSid: `SM${String(++sidCounter).padStart(32, "5")}`,
    AccountSid: creds.twilio.accountSid,
    From: from,
    To: OURS,
    Body: body,
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

const analysedConversation = (from: string, analyzer: string) =>
  eventually(async () => {
    const page = await relay.asTenant<{ items: Conversation[] }>("GET", `/v1/conversations?q=${encodeURIComponent(from)}`);
    const conversation = page.body.data.items[0];
    return conversation?.analysis?.status === "done" && conversation.analysis.analyzer === analyzer ? conversation : undefined;
  });

describe("conversation analysis on the local stack", () => {
  it("npm run dev's default: an inbound SMS gets a rules analysis within seconds", async () => {
    const from = "+14155550701";
    const started = Date.now();
    await textUs(from, "I was charged twice for my invoice");
    const conversation = await analysedConversation(from, "rules");
    expect(conversation.analysis).toMatchObject({ analyzer: "rules", category: "billing", summary: null, tokens: 0 });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("pointed at an OpenAI-compatible server, an inbound SMS ends with the model's analysis", async () => {
    const settings = await relay.withKey(stack.credentials.tenantAdminKey, "PUT", "/v1/analysis/settings", {
      enabled: true,
      analyzer: "openai-compatible",
      baseUrl: `${model.baseUrl}/v1`,
      model: "local-small",
      apiKey: MODEL_KEY,
      categories: ["billing", "order_status", "spam"],
    });
    expect(settings.status).toBe(200);
    expect(JSON.stringify(settings.body)).not.toContain(MODEL_KEY);

    const from = "+14155550702";
    await textUs(from, "¿Dónde está mi pedido? Escríbeme a ana@example.com");
    const conversation = await analysedConversation(from, "openai-compatible");
    expect(conversation.analysis).toMatchObject({ category: "order_status", priority: "high", tokens: 240 });

    // The request: chat completions with a JSON schema of the tenant's labels, the key as a bearer token.
    expect(model.requests).toHaveLength(1);
    const [request] = model.requests;
    expect(request.authorization).toBe(`Bearer ${MODEL_KEY}`);
    expect(request.body.model).toBe("local-small");
    expect(request.body.response_format?.type).toBe("json_schema");
    expect(request.body.response_format?.json_schema?.schema.properties.category.enum).toEqual(["billing", "order_status", "spam"]);
    const [system, user] = request.body.messages;
    expect(system.role).toBe("system");
    expect(system.content).not.toContain("pedido");
    expect(user.role).toBe("user");
    expect(user.content).toContain('{"from":"customer","text":"¿Dónde está mi pedido? Escríbeme a [email]"}');

    const events = await relay.asTenant<{ items: { type: string }[] }>("GET", `/v1/conversations/${conversation.id}/events`);
    expect(events.body.data.items.map((event) => event.type)).toEqual(["analysis.done"]);
  });
});
