/**
 * Compile-time tests of the generated client, checked by `npm run typecheck`: each
 * `@ts-expect-error` line is a request the server refuses for its shape, and must not compile.
 */
import { createRelayClient, type MessageRequest } from "./index";

const relay = createRelayClient({ baseUrl: "http://127.0.0.1:8787", apiKey: "rk_example" });

export async function compiles(): Promise<void> {
  await relay.POST("/v1/messages", { body: { channel: "sms", to: "+14155550100", content: { text: "Hello" } } });
  await relay.POST("/v1/messages", {
    body: { channel: "email", to: "ada@example.com", subject: "Welcome", content: { html: "<p>Hi</p>" } },
    params: { header: { "idempotency-key": "welcome-42" } },
  });
  await relay.GET("/v1/messages/{id}", { params: { path: { id: "msg_1" } } });
  await relay.POST("/v1/messages", { body: { channel: "email", to: "ada@example.com", template: { id: "tpl_1", data: { name: "Ada" } } } });
  await relay.GET("/v1/messages", { params: { query: { status: "failed", limit: 10 } } });
  const { data } = await relay.POST("/v1/messages/{id}/cancel", { params: { path: { id: "msg_1" } } });
  const status: string | undefined = data?.data.status;
  void status;
}

export async function refused(): Promise<void> {
  // @ts-expect-error an email needs a subject
  await relay.POST("/v1/messages", { body: { channel: "email", to: "ada@example.com", content: { text: "Hi" } } });
  // @ts-expect-error an email needs content.html or content.text
  await relay.POST("/v1/messages", { body: { channel: "email", to: "ada@example.com", subject: "Hi", content: { templateId: "t" } } });
  // @ts-expect-error an SMS needs content.text
  await relay.POST("/v1/messages", { body: { channel: "sms", to: "+14155550100", content: { html: "<p>Hi</p>" } } });
  // @ts-expect-error no such channel
  await relay.POST("/v1/messages", { body: { channel: "fax", to: "+14155550100", content: { text: "Hi" } } });
  // @ts-expect-error unknown fields are refused
  await relay.POST("/v1/messages", { body: { channel: "sms", to: "+14155550100", content: { text: "Hi" }, priority: "high" } });
  // @ts-expect-error `to` is required
  await relay.POST("/v1/messages", { body: { channel: "sms", content: { text: "Hi" } } });
  // @ts-expect-error the path parameter is required
  await relay.GET("/v1/messages/{id}", {});
  // @ts-expect-error messages are not replaced with PUT
  await relay.PUT("/v1/messages", { body: {} });
  // @ts-expect-error a batch holds `messages`
  await relay.POST("/v1/messages/batch", { body: { items: [] } });
}

// @ts-expect-error a push notification needs content.text
export const push: MessageRequest = { channel: "push", to: "device-token", content: {} };
