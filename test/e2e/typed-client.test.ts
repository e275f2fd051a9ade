import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelayClient, type MessageRequest } from "../../clients/typescript";
import { eventually } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

let stack: StackProcess;

beforeAll(async () => {
  stack = await startStackProcess();
});
afterAll(async () => {
  await stack?.stop();
});

describe("the generated TypeScript client against the running stack", () => {
  it("sends an email and reads it back until it is sent, with typed answers", async () => {
    const relay = createRelayClient({ baseUrl: stack.credentials.ingestUrl, apiKey: stack.credentials.apiKey });
    const sent = await relay.POST("/v1/messages", {
      body: { channel: "email", to: "ada@example.com", subject: "Typed", content: { text: "Hello" } },
      params: { header: { "idempotency-key": `typed-${Date.now()}` } },
    });
    expect(sent.response.status).toBe(202);
    const id = sent.data?.data.id ?? "";
    expect(id).toMatch(/^msg_/);

    const delivered = await eventually(async () => {
      const { data } = await relay.GET("/v1/messages/{id}", { params: { path: { id } } });
      return data?.data.status === "sent" ? data.data : undefined;
    });
    expect(delivered.events.map((e) => e.status)).toEqual(["queued", "sending", "sent"]);
  });

  it("gets a typed error for what the types refuse: the server refuses the same request", async () => {
    const relay = createRelayClient({ baseUrl: stack.credentials.ingestUrl, apiKey: stack.credentials.apiKey });
    const noSubject = { channel: "email", to: "ada@example.com", content: { text: "Hi" } } as unknown as MessageRequest;
    const refused = await relay.POST("/v1/messages", { body: noSubject });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.error.code).toBe("INVALID_INPUT");
    expect(refused.error?.error.details?.map((d) => d.path)).toContain("subject");
  });
});
