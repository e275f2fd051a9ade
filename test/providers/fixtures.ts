import { env } from "cloudflare:workers";
import { outboundPolicyFromEnv } from "../../shared/providers/outbound-policy";
import type { OutboundMessage } from "../../shared/providers/provider";

/** The fakes listen on 127.0.0.1: the test config's explicit loopback allowance (OUTBOUND_ALLOW_LOOPBACK). */
export const LOCAL_OUTBOUND = outboundPolicyFromEnv(env);

/** Random hex: credentials in these tests are made at run time and are obviously fake. */
export function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function fakeSecret(prefix = "test_"): string {
  return `${prefix}${randomHex(20)}`;
}

export function smsMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `msg_${randomHex(8)}`,
    channel: "sms",
    to: "+14155550100",
    from: null,
    subject: null,
    content: { text: "Your code is 123456" },
    metadata: {},
    ...overrides,
  };
}

export function emailMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `msg_${randomHex(8)}`,
    channel: "email",
    to: "someone@example.com",
    from: null,
    subject: "Welcome",
    content: { html: "<p>Hello</p>", text: "Hello" },
    metadata: {},
    ...overrides,
  };
}

export function webhookMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `msg_${randomHex(8)}`,
    channel: "webhook",
    to: "orders-endpoint",
    from: null,
    subject: "order.created",
    content: { text: "order 42 created" },
    metadata: { orderId: 42 },
    ...overrides,
  };
}

/** Long enough for any answer from a local server; the timeout tests pass their own short one. */
export function patience(): AbortSignal {
  return AbortSignal.timeout(15_000);
}

export function chatMessage(channel: "telegram" | "slack", overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `msg_${randomHex(8)}`,
    channel,
    to: channel === "telegram" ? "123456789" : "C0123456789",
    from: null,
    subject: null,
    content: { text: "Your order has shipped" },
    metadata: {},
    ...overrides,
  };
}

/** A token shaped like one from @BotFather, made at run time. */
export function telegramBotToken(): string {
  return `${100000 + Math.floor(Math.random() * 900000)}:${randomHex(18)}`;
}
