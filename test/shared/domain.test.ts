import { describe, expect, it } from "vitest";
import { MESSAGE_STATUSES, type MessageStatus } from "../../shared/domain/enums";
import { ID_PREFIXES, newApiKeySecret, newId, requestIdFrom } from "../../shared/domain/ids";
import { batchRequestSchema, MAX_SCHEDULE_AHEAD_DAYS, messageRequestSchema, SMS_MAX_LENGTH } from "../../shared/domain/message-request";
import { toE164 } from "../../shared/domain/phone-number";
import { canCancel, canRedrive, canTransition, isTerminal, statusesThatMayBecome } from "../../shared/domain/status";

/** The delivery path, in order; `failed` and `canceled` leave it. */
const PATH: MessageStatus[] = ["queued", "sending", "sent", "delivered"];
const TERMINAL: MessageStatus[] = ["delivered", "failed", "canceled"];

describe("status machine", () => {
  it("allows every forward step along queued → sending → sent → delivered", () => {
    for (let i = 0; i < PATH.length; i++)
      for (let j = i + 1; j < PATH.length; j++) expect(canTransition(PATH[i], PATH[j]), `${PATH[i]} → ${PATH[j]}`).toBe(true);
  });

  it("never moves backwards, nor to the same status", () => {
    for (let i = 0; i < PATH.length; i++)
      for (let j = 0; j <= i; j++) expect(canTransition(PATH[i], PATH[j]), `${PATH[i]} → ${PATH[j]}`).toBe(false);
    for (const status of MESSAGE_STATUSES) expect(canTransition(status, status), status).toBe(false);
    for (const status of MESSAGE_STATUSES) expect(canTransition(status, "queued"), `${status} → queued`).toBe(false);
  });

  it("fails from any live status; cancels only from queued", () => {
    for (const from of ["queued", "sending", "sent"] as const) expect(canTransition(from, "failed"), from).toBe(true);
    expect(canTransition("delivered", "failed")).toBe(false);
    expect(canTransition("queued", "canceled")).toBe(true);
    for (const from of ["sending", "sent", "delivered", "failed"] as const) expect(canTransition(from, "canceled"), from).toBe(false);
  });

  it("has delivered, failed and canceled as terminal: nothing leaves them", () => {
    for (const status of MESSAGE_STATUSES) expect(isTerminal(status), status).toBe(TERMINAL.includes(status));
    for (const from of TERMINAL) for (const to of MESSAGE_STATUSES) expect(canTransition(from, to), `${from} → ${to}`).toBe(false);
  });

  it("lists the statuses an update may still change", () => {
    expect(statusesThatMayBecome("delivered").sort()).toEqual(["queued", "sending", "sent"]);
    expect(statusesThatMayBecome("sent").sort()).toEqual(["queued", "sending"]);
    expect(statusesThatMayBecome("sending")).toEqual(["queued"]);
    expect(statusesThatMayBecome("canceled")).toEqual(["queued"]);
    expect(statusesThatMayBecome("queued")).toEqual([]);
    expect(statusesThatMayBecome("failed").sort()).toEqual(["queued", "sending", "sent"]);
  });

  it("cancels only queued messages and redrives only failed ones", () => {
    for (const status of MESSAGE_STATUSES) {
      expect(canCancel(status), status).toBe(status === "queued");
      expect(canRedrive(status), status).toBe(status === "failed");
    }
  });
});

describe("toE164", () => {
  const valid: [string, string][] = [
    ["+14155550100", "+14155550100"],
    ["+1 (415) 555-0100", "+14155550100"],
    ["  +1 415 555 0100  ", "+14155550100"],
    ["+1.415.555.0100", "+14155550100"],
    ["0044 20 7946 0958", "+442079460958"],
    ["+44 (0)20 7946 0958", "+442079460958"],
    ["+33 6 12 34 56 78", "+33612345678"],
    ["+49 30 901820", "+4930901820"],
  ];
  for (const [input, expected] of valid) it(`normalises ${JSON.stringify(input)}`, () => expect(toE164(input)).toBe(expected));

  const invalid = [
    "4155550100",
    "(415) 555-0100",
    "",
    "   ",
    "+",
    "+1",
    "+1 415",
    "+999 1234567",
    "call me",
    "+1 415 555 0100 0000 0000",
    "ada@example.com",
  ];
  for (const input of invalid) it(`rejects ${JSON.stringify(input)}`, () => expect(toE164(input)).toBeNull());
});

describe("ids", () => {
  it("prefixes each kind and uses 21 URL-safe characters", () => {
    expect(ID_PREFIXES).toMatchObject({ message: "msg", event: "evt", provider: "prv", tenant: "ten", apiKey: "key", deadLetter: "dlq" });
    for (const [kind, prefix] of Object.entries(ID_PREFIXES)) {
      const id = newId(kind as keyof typeof ID_PREFIXES);
      expect(id).toMatch(new RegExp(`^${prefix}_[0-9A-Za-z]{21}$`));
    }
  });

  it("does not repeat", () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newId("message")));
    expect(ids.size).toBe(2000);
  });

  it("makes API key secrets of rk_ and 40 characters", () => {
    const secrets = Array.from({ length: 200 }, () => newApiKeySecret());
    for (const secret of secrets) expect(secret).toMatch(/^rk_[0-9A-Za-z]{40}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it("accepts a sane x-request-id and replaces anything else", () => {
    for (const ok of ["abc", "req-123", "a.b:c_d-e", "x".repeat(128)]) expect(requestIdFrom(ok)).toBe(ok);
    for (const bad of [undefined, null, "", "has space", "x".repeat(129), "semi;colon", "new\nline", "ünï"]) {
      const id = requestIdFrom(bad);
      expect(id, String(bad)).toMatch(/^req_[0-9A-Za-z]{21}$/);
    }
  });
});

describe("messageRequestSchema", () => {
  const parse = (value: unknown) => messageRequestSchema.safeParse(value);
  const paths = (value: unknown) => {
    const result = parse(value);
    expect(result.success, JSON.stringify(value).slice(0, 200)).toBe(false);
    return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
  };
  const sms = (overrides: Record<string, unknown> = {}) => ({ channel: "sms", to: "+14155550100", content: { text: "hi" }, ...overrides });
  const email = (overrides: Record<string, unknown> = {}) => ({
    channel: "email",
    to: "ada@example.com",
    subject: "Hi",
    content: { text: "hi" },
    ...overrides,
  });

  it("normalises SMS numbers, to and from", () => {
    const result = parse(sms({ to: "+1 (415) 555-0100", from: "0044 20 7946 0958" }));
    expect(result.success && result.data).toMatchObject({ to: "+14155550100", from: "+442079460958" });
  });

  it("accepts an alphanumeric SMS sender of up to 11 characters, nothing else", () => {
    expect(parse(sms({ from: "Acme" })).success).toBe(true);
    expect(parse(sms({ from: "Acme Store1" })).success).toBe(true);
    expect(paths(sms({ from: "Acme Store12" }))).toContain("from");
    expect(paths(sms({ from: "Acme!" }))).toContain("from");
    expect(paths(sms({ from: "" }))).toContain("from");
  });

  it("bounds an SMS body at 1600 characters and requires text", () => {
    expect(parse(sms({ content: { text: "x".repeat(SMS_MAX_LENGTH) } })).success).toBe(true);
    expect(paths(sms({ content: { text: "x".repeat(SMS_MAX_LENGTH + 1) } }))).toContain("content.text");
    expect(paths(sms({ content: { html: "<p>hi</p>" } }))).toContain("content.text");
    expect(paths(sms({ content: { text: "" } }))).toContain("content.text");
    expect(paths(sms({ to: "415-555-0100" }))).toContain("to");
  });

  it("needs a subject and html or text for email, and a valid address", () => {
    expect(parse(email({ content: { html: "<p>hi</p>" } })).success).toBe(true);
    expect(paths(email({ content: {} }))).toContain("content");
    expect(paths(email({ content: { templateId: "welcome" } }))).toContain("content");
    expect(paths(email({ subject: undefined }))).toContain("subject");
    expect(paths(email({ to: "not-an-email" }))).toContain("to");
    expect(paths(email({ to: "+14155550100" }))).toContain("to");
  });

  it("needs text for push; webhook takes any content", () => {
    expect(paths({ channel: "push", to: "device-token", content: {} })).toContain("content.text");
    expect(parse({ channel: "push", to: "device-token", content: { text: "ping" } }).success).toBe(true);
    expect(parse({ channel: "webhook", to: "endpoint-1", content: { variables: { a: 1 } } }).success).toBe(true);
    expect(paths({ channel: "push", to: "", content: { text: "x" } })).toContain("to");
  });

  it("takes a Telegram chat id or @channel, and a Slack channel id, each with its platform's thread", () => {
    const telegram = (to: string, content: Record<string, unknown> = { text: "hi" }) => ({ channel: "telegram", to, content });
    const slack = (to: string, content: Record<string, unknown> = { text: "hi" }) => ({ channel: "slack", to, content });
    for (const to of ["123456789", "-1001234567890", "@relay_news"]) expect(parse(telegram(to)).success, to).toBe(true);
    for (const to of ["0", "12a", "@abc", "relay_news", "+14155550100", ""]) expect(paths(telegram(to)), to).toContain("to");
    for (const to of ["C0123456789", "G01ABCDEF", "D024BE91L"]) expect(parse(slack(to)).success, to).toBe(true);
    for (const to of ["c0123456789", "#general", "U0123456789", "C01"]) expect(paths(slack(to)), to).toContain("to");
    expect(parse(telegram("42", { text: "in a topic", thread: "17" })).success).toBe(true);
    expect(paths(telegram("42", { text: "x", thread: "1712345678.123456" }))).toContain("content.thread");
    expect(parse(slack("C0123456789", { text: "a reply", thread: "1712345678.123456" })).success).toBe(true);
    expect(paths(slack("C0123456789", { text: "x", thread: "17" }))).toContain("content.thread");
  });

  it("bounds chat text per platform (Telegram 4096, Slack 40,000) and keeps threads to the chat channels", () => {
    const chat = (channel: string, text: string) => ({ channel, to: channel === "slack" ? "C0123456789" : "42", content: { text } });
    expect(parse(chat("telegram", "x".repeat(4096))).success).toBe(true);
    expect(paths(chat("telegram", "x".repeat(4097)))).toContain("content.text");
    expect(parse(chat("slack", "x".repeat(40_000))).success).toBe(true);
    expect(paths(chat("slack", "x".repeat(40_001)))).toContain("content.text");
    expect(paths({ channel: "slack", to: "C0123456789", content: { html: "<b>no</b>" } })).toContain("content.text");
    expect(paths(sms({ content: { text: "hi", thread: "17" } }))).toContain("content.thread");
  });

  it("rejects an unknown channel and unknown fields", () => {
    expect(paths({ channel: "fax", to: "+14155550100", content: { text: "x" } })).toContain("channel");
    expect(paths(sms({ priority: "high" }))).toEqual([""]);
    expect(parse(sms({ content: { text: "x", attachments: [] } })).success).toBe(false);
  });

  it("normalises scheduledAt to UTC and bounds it", () => {
    const soon = new Date(Date.now() + 3_600_000);
    const withOffset = `${soon.toISOString().slice(0, 19)}+02:00`;
    const result = parse(sms({ scheduledAt: withOffset }));
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.scheduledAt).toBe(new Date(withOffset).toISOString());
    const tooFar = new Date(Date.now() + (MAX_SCHEDULE_AHEAD_DAYS + 1) * 86_400_000).toISOString();
    expect(paths(sms({ scheduledAt: tooFar }))).toContain("scheduledAt");
    expect(paths(sms({ scheduledAt: "tomorrow" }))).toContain("scheduledAt");
    expect(paths(sms({ scheduledAt: "2026-01-01" }))).toContain("scheduledAt");
  });

  it("bounds metadata", () => {
    expect(parse(sms({ metadata: { orderId: "o_1", attempt: 2, vip: true, note: null } })).success).toBe(true);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(paths(sms({ metadata: many }))).toContain("metadata");
    expect(parse(sms({ metadata: { ["k".repeat(41)]: 1 } })).success).toBe(false);
    expect(parse(sms({ metadata: { nested: { a: 1 } } })).success).toBe(false);
    expect(parse(sms({ metadata: { long: "x".repeat(501) } })).success).toBe(false);
  });

  it("rejects a message larger than a queue message", () => {
    const big = { channel: "webhook", to: "endpoint-1", content: { text: "x".repeat(70_000), html: "y".repeat(70_000) } };
    expect(paths(big)).toContain("");
    const fits = { channel: "webhook", to: "endpoint-1", content: { text: "x".repeat(60_000), html: "y".repeat(60_000) } };
    expect(parse(fits).success).toBe(true);
  });

  it("takes batches of 1 to 100", () => {
    const one = sms();
    expect(batchRequestSchema.safeParse({ messages: [one] }).success).toBe(true);
    expect(batchRequestSchema.safeParse({ messages: Array(100).fill(one) }).success).toBe(true);
    expect(batchRequestSchema.safeParse({ messages: Array(101).fill(one) }).success).toBe(false);
    expect(batchRequestSchema.safeParse({ messages: [] }).success).toBe(false);
    const mixed = batchRequestSchema.safeParse({ messages: [one, sms({ to: "nope" }), one, email({ subject: undefined })] });
    expect(mixed.success).toBe(false);
    if (!mixed.success) expect(mixed.error.issues.map((i) => i.path.join("."))).toEqual(["messages.1.to", "messages.3.subject"]);
  });
});
