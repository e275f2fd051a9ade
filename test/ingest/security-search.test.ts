import { describe, expect, it } from "vitest";
import { deadLetters } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import { call, createOpsKey, createTenant, expectSuccessEnvelope } from "../support/api";
import { expectInvalid } from "../support/checks";
import { db, insertMessage } from "../support/d1-fixtures";
import { signedInBrowser } from "../support/dashboard-browser";

type Page = { items: { id: string }[]; nextCursor: string | null };

/** The longest value each text filter accepts, as the OpenAPI document states it. */
const MAX = { q: 200, to: 320, providerId: 64, tenantId: 64, cursor: 500 };

/** `%`, `_` and `\` — LIKE's wildcards and escape — repeated up to `length`. */
const wildcards = (length: number) => "%_\\".repeat(Math.ceil(length / 3)).slice(0, length);

async function deadLetterWith(tenantId: string, lastError: string): Promise<string> {
  const message = await insertMessage(tenantId, { status: "failed", lastError });
  const id = newId("deadLetter");
  await db()
    .insert(deadLetters)
    .values({ id, messageId: message.id, tenantId, lastError, attempts: 5, body: {}, deadLetteredAt: new Date().toISOString() });
  return id;
}

const ids = (page: Page) => page.items.map((item) => item.id).sort();
const query = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

describe("search filters cannot fail with a 5xx (issue 9, finding 2)", () => {
  it("matches a dead letter's error with q at its maximum length, `%`, `_` and `\\` matching literally", async () => {
    const tenant = await createTenant(await createOpsKey());
    const needle = `${wildcards(MAX.q - 2)}Ab`;
    const exact = await deadLetterWith(tenant.tenantId, `upstream said: ${needle} (twice)`);
    // What the needle would match were `%` and `_` wildcards.
    const decoy = await deadLetterWith(tenant.tenantId, `upstream said: ${needle.replace(/[%_]/g, "x")}`);
    await deadLetterWith(tenant.tenantId, "plain timeout");

    const list = (q: string) => call<Page>("GET", `/v1/dead-letters${query({ q })}`, { key: tenant.adminKey });
    expect(ids(expectSuccessEnvelope(await list(needle)))).toEqual([exact]);
    expect(ids(expectSuccessEnvelope(await list(needle.toUpperCase())))).toEqual([exact]);
    expect(ids(expectSuccessEnvelope(await list(wildcards(MAX.q))))).toEqual([]);
    for (const one of ["%", "_"]) expect(ids(expectSuccessEnvelope(await list(one)))).toEqual([exact]);
    expect(ids(expectSuccessEnvelope(await list("\\")))).toEqual([exact, decoy].sort());
    expect(ids(expectSuccessEnvelope(await list("é".repeat(MAX.q))))).toEqual([]);
  });

  it("answers 400 INVALID_INPUT, naming the field, for each text filter one past its maximum", async () => {
    const opsKey = await createOpsKey();
    const cases: [string, Record<string, string>][] = [
      ["/v1/dead-letters", { q: wildcards(MAX.q + 1) }],
      ["/v1/dead-letters", { providerId: "p".repeat(MAX.providerId + 1) }],
      ["/v1/dead-letters", { tenantId: "t".repeat(MAX.tenantId + 1) }],
      ["/v1/dead-letters", { cursor: "c".repeat(MAX.cursor + 1) }],
      ["/v1/messages", { to: wildcards(MAX.to + 1) }],
      ["/v1/messages", { tenantId: "t".repeat(MAX.tenantId + 1) }],
      ["/v1/messages", { cursor: "c".repeat(MAX.cursor + 1) }],
    ];
    for (const [path, params] of cases)
      expectInvalid(await call("GET", `${path}${query(params)}`, { key: opsKey }), `query.${Object.keys(params)[0]}`);
  });

  it("accepts every text filter at its maximum length, wildcards included, and answers 200 or a clear 400", async () => {
    const opsKey = await createOpsKey();
    const at = (length: number) => wildcards(length);
    for (const path of ["/v1/dead-letters", "/v1/messages"]) {
      const filters: Record<string, string> =
        path === "/v1/messages" ? { to: at(MAX.to) } : { q: at(MAX.q), providerId: at(MAX.providerId) };
      expect(
        ids(expectSuccessEnvelope(await call<Page>("GET", `${path}${query({ ...filters, tenantId: at(MAX.tenantId) })}`, { key: opsKey }))),
      ).toEqual([]);
      // A cursor this API did not make is the client's mistake, whatever its length.
      expectInvalid(await call("GET", `${path}${query({ cursor: at(MAX.cursor) })}`, { key: opsKey }), "cursor");
    }
  });

  it("matches a recipient containing `%`, `_` and `\\` exactly, not as a pattern", async () => {
    const tenant = await createTenant(await createOpsKey());
    const recipient = `${wildcards(MAX.to - 12)}@example.com`;
    const message = await insertMessage(tenant.tenantId, { channel: "email", recipient });
    await insertMessage(tenant.tenantId, { channel: "email", recipient: recipient.replace(/[%_]/g, "x") });

    const list = (to: string) => call<Page>("GET", `/v1/messages${query({ to })}`, { key: tenant.adminKey });
    expect(ids(expectSuccessEnvelope(await list(recipient)))).toEqual([message.id]);
    expect(ids(expectSuccessEnvelope(await list(`${recipient.slice(0, -1)}%`)))).toEqual([]);
  });

  it("the dashboard's filters: a full-length wildcard search is a page, an over-long one a 400 page", async () => {
    const tenant = await createTenant(await createOpsKey());
    const needle = wildcards(MAX.q);
    const letter = await deadLetterWith(tenant.tenantId, `said ${needle}`);
    const browser = await signedInBrowser(tenant.adminKey);

    const found = await browser.get(`/dashboard/dead-letters${query({ q: needle })}`);
    expect(found.status).toBe(200);
    expect(found.html).toContain(letter);
    const tooLong = await browser.get(`/dashboard/dead-letters${query({ q: `${needle}x` })}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain("200");

    expect((await browser.get(`/dashboard/messages${query({ to: wildcards(MAX.to) })}`)).status).toBe(200);
    const longTo = await browser.get(`/dashboard/messages${query({ to: wildcards(MAX.to + 1) })}`);
    expect(longTo.status).toBe(400);
    expect(longTo.html).toContain("320");
  });
});
