import { describe, expect, it } from "vitest";
import {
  type ApiAnswer,
  call,
  countRows,
  detailPaths,
  email,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  push,
  sms,
  type TenantFixture,
  webhook,
} from "../support/api";
import { eventsOf } from "../support/d1-fixtures";

type Message = { id: string; channel: string; to: string };

const messageCount = (tenant: TenantFixture) => countRows("messages", "tenant_id = ?", tenant.tenantId);

/** 400 INVALID_INPUT whose details name exactly the given paths (each at least once). */
function expectInvalid(answer: ApiAnswer<unknown>, ...paths: string[]) {
  const error = expectErrorEnvelope(answer, 400, "INVALID_INPUT");
  if (paths.length > 0) expect([...new Set(detailPaths(answer))].sort()).toEqual([...paths].sort());
  return error;
}

const send = (tenant: TenantFixture, body: unknown) => call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body });
const sendRaw = (tenant: TenantFixture, rawBody: string, headers?: Record<string, string>) =>
  call<Message>("POST", "/v1/messages", { key: tenant.sendKey, rawBody, headers });

describe("POST /v1/messages — field validation", () => {
  it("refuses phone numbers that cannot be E.164, naming `to`", async () => {
    const tenant = await freshTenant();
    for (const to of [
      "12345",
      "4155550100",
      "+1 555",
      "not a phone",
      "+",
      "+999999999999999999",
      "+1415555010O",
      "+14155550100\n+14155550101",
      "",
      "+1".padEnd(41, "0"),
    ]) {
      expectInvalid(await send(tenant, sms({ to })), "to");
    }
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses a bad SMS sender, naming `from`", async () => {
    const tenant = await freshTenant();
    for (const from of ["TwelveChars1", "bad-sender!", ""]) expectInvalid(await send(tenant, sms({ from })), "from");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses malformed email addresses, naming `to`", async () => {
    const tenant = await freshTenant();
    for (const to of [
      "ada",
      "ada@",
      "@example.com",
      "ada example.com",
      "ada@@example.com",
      "+14155550100",
      `${"a".repeat(320)}@example.com`,
    ]) {
      expectInvalid(await send(tenant, email({ to })), "to");
    }
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses an SMS longer than 1600 characters, naming content.text; 1600 is fine", async () => {
    const tenant = await freshTenant();
    expectInvalid(await send(tenant, sms({ content: { text: "x".repeat(1601) } })), "content.text");
    expect(await messageCount(tenant)).toBe(0);
    expectSuccessEnvelope(await send(tenant, sms({ content: { text: "x".repeat(1600) } })), 202);
    expect(await messageCount(tenant)).toBe(1);
  });

  it("refuses an SMS or a push with no text, naming content.text", async () => {
    const tenant = await freshTenant();
    expectInvalid(await send(tenant, sms({ content: {} })), "content.text");
    expectInvalid(await send(tenant, sms({ content: { html: "<p>hi</p>" } })), "content.text");
    expectInvalid(await send(tenant, push({ content: { templateId: "t" } })), "content.text");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses an email with neither html nor text, naming content", async () => {
    const tenant = await freshTenant();
    expectInvalid(await send(tenant, email({ content: {} })), "content");
    expectInvalid(await send(tenant, email({ content: { templateId: "welcome" } })), "content");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses an email without a subject, naming subject", async () => {
    const tenant = await freshTenant();
    const { subject: _subject, ...noSubject } = email();
    expectInvalid(await send(tenant, noSubject), "subject");
    expectInvalid(await send(tenant, email({ subject: "" })), "subject");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses empty strings in content", async () => {
    const tenant = await freshTenant();
    expectInvalid(await send(tenant, email({ content: { text: "", html: "<p>x</p>" } })), "content.text");
    expectInvalid(await send(tenant, webhook({ content: { templateId: "" } })), "content.templateId");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses an unknown or missing channel, naming channel", async () => {
    const tenant = await freshTenant();
    for (const channel of ["fax", "SMS", "", null, 1, ["sms"]]) expectInvalid(await send(tenant, sms({ channel })), "channel");
    const { channel: _channel, ...noChannel } = sms();
    expectInvalid(await send(tenant, noChannel), "channel");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses an unknown top-level field, naming it", async () => {
    const tenant = await freshTenant();
    expectInvalid(await send(tenant, { ...sms(), bogus: 1 }), "bogus");
    // `cc` is an email field; `priority` is none.
    expectInvalid(await send(tenant, { ...email(), cc: "x@example.com", priority: "high" }), "priority");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses an unknown field inside content, naming content.<field>", async () => {
    const tenant = await freshTenant();
    expectInvalid(await send(tenant, sms({ content: { text: "hi", bogus: true } })), "content.bogus");
    expectInvalid(await send(tenant, email({ content: { html: "<p>x</p>", attachments: [] } })), "content.attachments");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses wrong types, naming the field", async () => {
    const tenant = await freshTenant();
    expectInvalid(await send(tenant, sms({ to: 14155550100 })), "to");
    expectInvalid(await send(tenant, email({ to: 42 })), "to");
    expectInvalid(await send(tenant, email({ to: { address: "ada@example.com" } })), "to");
    expectInvalid(await send(tenant, sms({ content: ["Your code"] })), "content");
    expectInvalid(await send(tenant, sms({ content: "Your code" })), "content");
    expectInvalid(await send(tenant, sms({ content: { text: 123456 } })), "content.text");
    expectInvalid(await send(tenant, email({ subject: 42 })), "subject");
    expectInvalid(await send(tenant, webhook({ content: { variables: ["a"] } })), "content.variables");
    expectInvalid(await send(tenant, sms({ metadata: "note" })), "metadata");
    expectInvalid(await send(tenant, sms({ from: null })), "from");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses a body that is not an object", async () => {
    const tenant = await freshTenant();
    for (const body of [null, [], [sms()], "sms", 42, true]) expectInvalid(await send(tenant, body), "(body)");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses malformed JSON with 400 INVALID_INPUT", async () => {
    const tenant = await freshTenant();
    for (const raw of ["{not json", '{"channel":"sms",}', '{"channel":"sms"', "'single quotes'", "\u0000"]) {
      expectInvalid(await sendRaw(tenant, raw));
    }
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses an empty body, and a body that is not sent as JSON", async () => {
    const tenant = await freshTenant();
    expectInvalid(await sendRaw(tenant, ""));
    expectInvalid(await sendRaw(tenant, "   "));
    // Not JSON by its content type (or none at all): 415, see test/ingest/http-semantics.test.ts.
    expectErrorEnvelope(await sendRaw(tenant, JSON.stringify(sms()), { "content-type": "text/plain" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectErrorEnvelope(await call("POST", "/v1/messages", { key: (tenant as TenantFixture).sendKey }), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses a huge string (200k characters) with a 4xx", async () => {
    const tenant = await freshTenant();
    for (const body of [
      email({ content: { text: "x".repeat(200_000) } }),
      push({ to: "t".repeat(200_000) }),
      sms({ metadata: { k: "v".repeat(200_000) } }),
    ]) {
      const answer = await send(tenant, body);
      expect([400, 413]).toContain(answer.status);
      expectErrorEnvelope(answer, answer.status, answer.status === 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_INPUT");
    }
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses a message larger than the queue's 128 KB limit even when the body is under 256 KB", async () => {
    const tenant = await freshTenant();
    const answer = await send(tenant, email({ content: { text: "t".repeat(80_000), html: "h".repeat(80_000) } }));
    const error = expectInvalid(answer, "(body)");
    expect(error.details?.[0].message).toMatch(/131072/);
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses a body over its route's limit with 413 PAYLOAD_TOO_LARGE: 14 MB for a send, whose attachments ride in it; 256 KB elsewhere", async () => {
    const tenant = await freshTenant();
    const raw = await sendRaw(tenant, `{"channel":"sms","to":"+14155550100","content":{"text":"${"y".repeat(14 * 1024 * 1024)}"}}`);
    expectErrorEnvelope(raw, 413, "PAYLOAD_TOO_LARGE");
    // Under the send limit but over the queue's 128 KB: refused as invalid, not as too large.
    expectErrorEnvelope(await send(tenant, email({ content: { text: "x".repeat(300 * 1024) } })), 400, "INVALID_INPUT");
    const template = await call("POST", "/v1/templates", {
      key: tenant.adminKey,
      rawBody: `{"name":"big","channel":"sms","content":{"text":"${"y".repeat(257 * 1024)}"}}`,
    });
    expectErrorEnvelope(template, 413, "PAYLOAD_TOO_LARGE");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses metadata with 51 keys, naming metadata; 50 keys are fine", async () => {
    const tenant = await freshTenant();
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, i]));
    expectInvalid(await send(tenant, sms({ metadata: keys(51) })), "metadata");
    expect(await messageCount(tenant)).toBe(0);
    expectSuccessEnvelope(await send(tenant, sms({ metadata: keys(50) })), 202);
    expect(await messageCount(tenant)).toBe(1);
  });

  it("refuses metadata with a long key, a long value or a nested value", async () => {
    const tenant = await freshTenant();
    expect(detailPaths(await send(tenant, sms({ metadata: { ["k".repeat(41)]: 1 } })))[0]).toMatch(/^metadata/);
    expectInvalid(await send(tenant, sms({ metadata: { note: "v".repeat(501) } })), "metadata.note");
    expectInvalid(await send(tenant, sms({ metadata: { nested: { a: 1 } } })), "metadata.nested");
    expectInvalid(await send(tenant, sms({ metadata: { list: [1] } })), "metadata.list");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("names every bad field at once", async () => {
    const tenant = await freshTenant();
    const answer = await send(tenant, { channel: "email", to: "nope", content: { text: 1 }, metadata: { x: {} } });
    const paths = detailPaths(answer);
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    for (const path of ["to", "content.text", "metadata.x"]) expect(paths).toContain(path);
  });
});

/** mulberry32: a small seeded PRNG, so a failing fuzz case can be reproduced. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("POST /v1/messages — fuzzing", () => {
  const SEED = 0x5eed;
  const CASES = 50;

  /** Bodies that are each invalid by construction, so every one must be refused. */
  function mutatedBodies(): { what: string; body?: unknown; raw?: string }[] {
    const random = prng(SEED);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)];
    const text = (length: number) =>
      Array.from({ length }, () =>
        String.fromCodePoint(pick([32 + int(95), 0x80 + int(0x700), 0x4e00 + int(0x500), 0x1f600 + int(0x40)])),
      ).join("");
    const deepArray = (depth: number) => {
      let value: unknown = text(3);
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    const deepObject = (depth: number) => {
      let value: unknown = null;
      for (let i = 0; i < depth; i++) value = { [`k${i % 7}`]: value };
      return value;
    };
    /** Never a string, never a plain empty object: wrong for `channel`, `to` and `content` alike. */
    const wrongValue = () =>
      pick<() => unknown>([
        () => null,
        () => int(1_000_000) - 500_000,
        () => random() * 1e308,
        () => random() < 0.5,
        () => [],
        () => [text(5), int(9)],
        () => ({ [`zz_${text(4)}`]: text(6) }),
        () => deepArray(50 + int(2000)),
        () => deepObject(50 + int(500)),
      ])();
    const bases = [sms, email, push, webhook];
    const cases: { what: string; body?: unknown; raw?: string }[] = [];
    for (let i = 0; i < CASES; i++) {
      const base = pick(bases)() as Record<string, unknown>;
      const kind = int(9);
      if (kind === 0) {
        const field = pick(["channel", "to", "content"]);
        cases.push({ what: `wrong type for ${field}`, body: { ...base, [field]: wrongValue() } });
      } else if (kind === 1) {
        const field = pick(["from", "subject", "scheduledAt", "metadata"]);
        cases.push({ what: `null ${field}`, body: { ...base, [field]: null } });
      } else if (kind === 2) {
        cases.push({ what: "unknown top-level field", body: { ...base, [`zz_${text(1 + int(20))}`]: wrongValue() } });
      } else if (kind === 3) {
        const content = { ...(base.content as object), [`zz_${text(1 + int(10))}`]: text(int(50)) };
        cases.push({ what: "unknown content field", body: { ...base, content } });
      } else if (kind === 4) {
        cases.push({ what: "not an object", body: pick([null, text(int(100)), int(100), [base], deepArray(int(3000))]) });
      } else if (kind === 5) {
        cases.push({ what: "random channel", body: { ...base, channel: `x${text(int(30))}` } });
      } else if (kind === 6) {
        const full = JSON.stringify(base);
        cases.push({ what: "truncated JSON", raw: full.slice(0, 1 + int(full.length - 1)) });
      } else if (kind === 7) {
        cases.push({ what: "garbage", raw: `{${text(int(200))} ,` });
      } else {
        const deep = pick([deepArray(10 + int(3000)), deepObject(10 + int(500)), { a: [{}] }]);
        cases.push({ what: "nested metadata value", body: { ...base, metadata: { [`k${int(9)}`]: deep } } });
      }
    }
    return cases;
  }

  it(`answers ${CASES} mutated bodies (seed ${SEED}) each with a 4xx error envelope and stores nothing`, async () => {
    const tenant = await freshTenant();
    const cases = mutatedBodies();
    expect(cases).toHaveLength(CASES);
    for (const [index, testCase] of cases.entries()) {
      const answer =
        testCase.raw !== undefined
          ? await sendRaw(tenant, testCase.raw)
          : await call("POST", "/v1/messages", { key: tenant.sendKey, body: testCase.body });
      const label = `case ${index} (${testCase.what}): ${JSON.stringify(testCase.body ?? testCase.raw)?.slice(0, 300)} → ${answer.status}`;
      expect(answer.status, label).toBeGreaterThanOrEqual(400);
      expect(answer.status, label).toBeLessThan(500);
      expect(answer.body?.success, label).toBe(false);
      expectErrorEnvelope(answer, answer.status, answer.status === 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_INPUT");
    }
    expect(await messageCount(tenant)).toBe(0);
    expect(await countRows("idempotency_keys", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  /** `levels` containers, `variables` itself counted: { a: [ { a: [ … ] } ] }. */
  function nestedVariables(levels: number): Record<string, unknown> {
    let value: unknown = "leaf";
    for (let level = 1; level < levels; level++) value = level % 2 ? [value] : { a: value };
    return { a: value };
  }

  it("refuses template variables nested thousands of levels deep with 400, before anything is stored", async () => {
    const tenant = await freshTenant();
    for (const levels of [33, 5000, 20_000]) {
      for (const headers of [{}, { "idempotency-key": `deep-${crypto.randomUUID()}` }] as Record<string, string>[]) {
        const body = webhook({ content: { templateId: "deep", variables: nestedVariables(levels) } });
        const answer = await call("POST", "/v1/messages", { key: tenant.sendKey, body, headers });
        expectInvalid(answer, "content.variables");
      }
    }
    expect(await messageCount(tenant)).toBe(0);
    expect(await countRows("idempotency_keys", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("accepts variables nested 32 levels deep, and replays them under an Idempotency-Key", async () => {
    const tenant = await freshTenant();
    const variables = nestedVariables(32);
    const body = webhook({ content: { templateId: "deep", variables } });
    const key = `deep-${crypto.randomUUID()}`;
    const first = await call<Message & { content: unknown }>("POST", "/v1/messages", {
      key: tenant.sendKey,
      body,
      headers: { "idempotency-key": key },
    });
    const replay = await call<Message>("POST", "/v1/messages", { key: tenant.sendKey, body, headers: { "idempotency-key": key } });
    expect(expectSuccessEnvelope(first, 202).content).toEqual({ templateId: "deep", variables });
    expect(expectSuccessEnvelope(replay, 202).id).toBe(first.body.data.id);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await messageCount(tenant)).toBe(1);
  });
});

describe("POST /v1/messages/batch — validation", () => {
  const sendBatch = (tenant: TenantFixture, body: unknown) =>
    call<{ items: Message[] }>("POST", "/v1/messages/batch", { key: tenant.sendKey, body });

  it("accepts 3 valid messages: 202, items in request order", async () => {
    const tenant = await freshTenant();
    const messages = [sms({ to: "+1 (415) 555-0101" }), email({ to: "grace@example.com" }), push({ to: "device-9" })];
    const { items } = expectSuccessEnvelope(await sendBatch(tenant, { messages }), 202);
    expect(items.map((item) => [item.channel, item.to])).toEqual([
      ["sms", "+14155550101"],
      ["email", "grace@example.com"],
      ["push", "device-9"],
    ]);
    expect(new Set(items.map((item) => item.id)).size).toBe(3);
    for (const item of items) expect(item).toMatchObject({ status: "queued", tenantId: tenant.tenantId });
    expect(await messageCount(tenant)).toBe(3);
    expect((await Promise.all(items.map((item) => eventsOf(item.id)))).flat().length).toBe(3);
  });

  it("accepts exactly 100 messages", async () => {
    const tenant = await freshTenant();
    const messages = Array.from({ length: 100 }, (_, i) => sms({ content: { text: `message ${i}` } }));
    const { items } = expectSuccessEnvelope(await sendBatch(tenant, { messages }), 202);
    expect(items).toHaveLength(100);
    expect(items.map((item) => (item as unknown as { content: { text: string } }).content.text)).toEqual(
      messages.map((m) => m.content.text),
    );
    expect(await messageCount(tenant)).toBe(100);
  });

  it("rejects the whole batch when item 1 is invalid, naming messages.1", async () => {
    const tenant = await freshTenant();
    const answer = await sendBatch(tenant, { messages: [sms(), sms({ to: "not a phone" }), email()] });
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    const paths = detailPaths(answer);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(path.startsWith("messages.1")).toBe(true);
    expect(paths).toContain("messages.1.to");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("names each bad index", async () => {
    const tenant = await freshTenant();
    const answer = await sendBatch(tenant, {
      messages: [email({ subject: "" }), sms(), sms({ content: { text: "x", bogus: 1 } }), { channel: "fax" }],
    });
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    const paths = detailPaths(answer);
    expect(paths).toContain("messages.0.subject");
    expect(paths).toContain("messages.2.content.bogus");
    expect(paths).toContain("messages.3.channel");
    expect(paths.some((path) => path.startsWith("messages.1"))).toBe(false);
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses 101 messages, naming messages", async () => {
    const tenant = await freshTenant();
    const answer = await sendBatch(tenant, { messages: Array.from({ length: 101 }, () => sms()) });
    expectInvalid(answer, "messages");
    expect(await messageCount(tenant)).toBe(0);
  });

  it("refuses an empty batch, a batch that is not a list and unknown batch fields", async () => {
    const tenant = await freshTenant();
    expectInvalid(await sendBatch(tenant, { messages: [] }), "messages");
    expectInvalid(await sendBatch(tenant, { messages: sms() }), "messages");
    expectInvalid(await sendBatch(tenant, {}), "messages");
    expectInvalid(await sendBatch(tenant, [sms()]), "(body)");
    expectInvalid(await sendBatch(tenant, { messages: [sms()], dryRun: true }), "dryRun");
    expectInvalid(await call("POST", "/v1/messages/batch", { key: tenant.sendKey, rawBody: '{"messages": [' }));
    expect(await messageCount(tenant)).toBe(0);
  });
});
