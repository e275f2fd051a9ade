import { describe, expect, it } from "vitest";
import { call, countRows, createOpsKey, createTenant, expectErrorEnvelope, expectSuccessEnvelope, freshTenant } from "../support/api";
import { expectInvalid } from "../support/checks";

type Contact = {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  telegramChatId: string | null;
  slackUserId: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};
type Page = { items: Contact[]; nextCursor: string | null };

async function create(key: string, body: Record<string, unknown>) {
  return expectSuccessEnvelope(await call<Contact>("POST", "/v1/contacts", { key, body }), 201);
}

describe("POST /v1/contacts", () => {
  it("creates a contact with its phone normalised to E.164", async () => {
    const { sendKey } = await freshTenant();
    const contact = await create(sendKey, {
      name: "Ada Lovelace",
      phone: "+1 (415) 555-0111",
      email: "Ada@Example.com",
      telegramChatId: "12345",
      slackUserId: "U123",
      metadata: { plan: "pro" },
    });
    expect(contact.id).toMatch(/^ctc_/);
    expect(contact).toMatchObject({
      name: "Ada Lovelace",
      phone: "+14155550111",
      email: "ada@example.com",
      telegramChatId: "12345",
      slackUserId: "U123",
      metadata: { plan: "pro" },
    });
    expect(Object.keys(contact).sort()).toEqual(
      ["createdAt", "email", "id", "metadata", "name", "phone", "slackUserId", "telegramChatId", "updatedAt"].sort(),
    );
  });

  it("answers a duplicate phone of the same tenant with 409 CONFLICT, and writes nothing", async () => {
    const ops = await createOpsKey();
    const acme = await createTenant(ops, "Acme");
    const other = await createTenant(ops, "Other");
    await create(acme.sendKey, { name: "First", phone: "+14155550122" });
    const duplicate = await call("POST", "/v1/contacts", { key: acme.sendKey, body: { name: "Second", phone: "+1 415 555 0122" } });
    expectErrorEnvelope(duplicate, 409, "CONFLICT");
    expect(await countRows("contacts", "tenant_id = ? AND phone = ?", acme.tenantId, "+14155550122")).toBe(1);
    // Another tenant may hold the same number.
    await create(other.sendKey, { phone: "+14155550122" });
  });

  it("refuses a bad phone, email or unknown field, naming it", async () => {
    const { sendKey } = await freshTenant();
    expectInvalid(await call("POST", "/v1/contacts", { key: sendKey, body: { phone: "not a number" } }), "phone");
    expectInvalid(await call("POST", "/v1/contacts", { key: sendKey, body: { email: "nope" } }), "email");
    expectInvalid(await call("POST", "/v1/contacts", { key: sendKey, body: { nickname: "x" } }));
  });

  it("needs a tenant's key with the send scope", async () => {
    const ops = await createOpsKey();
    const { readKey } = await createTenant(ops);
    expectErrorEnvelope(await call("POST", "/v1/contacts", { key: readKey, body: { name: "x" } }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("POST", "/v1/contacts", { key: ops, body: { name: "x" } }), 403, "FORBIDDEN");
  });
});

describe("GET /v1/contacts", () => {
  it("lists newest first, pages with a cursor and searches with q", async () => {
    const { sendKey, readKey } = await freshTenant();
    const made: Contact[] = [];
    for (const [name, phone] of [
      ["Grace Hopper", "+14155550131"],
      ["Alan Turing", "+14155550132"],
      ["Grace Kelly", "+14155550133"],
    ])
      made.push(await create(sendKey, { name, phone }));
    const first = expectSuccessEnvelope(await call<Page>("GET", "/v1/contacts?limit=2", { key: readKey }));
    expect(first.items.map((contact) => contact.id)).toEqual([made[2].id, made[1].id]);
    const second = expectSuccessEnvelope(await call<Page>(`GET`, `/v1/contacts?limit=2&cursor=${first.nextCursor}`, { key: readKey }));
    expect(second.items.map((contact) => contact.id)).toEqual([made[0].id]);
    expect(second.nextCursor).toBeNull();

    const grace = expectSuccessEnvelope(await call<Page>("GET", "/v1/contacts?q=GRACE", { key: readKey }));
    expect(grace.items.map((contact) => contact.name).sort()).toEqual(["Grace Hopper", "Grace Kelly"]);
    const byPhone = expectSuccessEnvelope(await call<Page>("GET", "/v1/contacts?q=0132", { key: readKey }));
    expect(byPhone.items.map((contact) => contact.name)).toEqual(["Alan Turing"]);
  });

  it("never shows another tenant's contacts", async () => {
    const ops = await createOpsKey();
    const acme = await createTenant(ops, "Acme");
    const other = await createTenant(ops, "Other");
    const mine = await create(acme.sendKey, { name: "Mine" });
    const list = expectSuccessEnvelope(await call<Page>("GET", "/v1/contacts", { key: other.readKey }));
    expect(list.items.map((contact) => contact.id)).not.toContain(mine.id);
    expectErrorEnvelope(await call("GET", `/v1/contacts/${mine.id}`, { key: other.readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("PATCH", `/v1/contacts/${mine.id}`, { key: other.sendKey, body: { name: "x" } }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("DELETE", `/v1/contacts/${mine.id}`, { key: other.sendKey }), 404, "NOT_FOUND");
    expect(expectSuccessEnvelope(await call<Contact>("GET", `/v1/contacts/${mine.id}`, { key: acme.readKey })).name).toBe("Mine");
    expect(expectSuccessEnvelope(await call<Contact>("GET", `/v1/contacts/${mine.id}`, { key: ops })).name).toBe("Mine");
  });
});

describe("PATCH and DELETE /v1/contacts/:id", () => {
  it("changes the given fields, clears null ones, and refuses a phone another contact holds", async () => {
    const { sendKey } = await freshTenant();
    const ada = await create(sendKey, { name: "Ada", phone: "+14155550141", email: "ada@example.com" });
    await create(sendKey, { name: "Bob", phone: "+14155550142" });
    const changed = expectSuccessEnvelope(
      await call<Contact>("PATCH", `/v1/contacts/${ada.id}`, { key: sendKey, body: { name: "Ada L.", email: null } }),
    );
    expect(changed).toMatchObject({ name: "Ada L.", phone: "+14155550141", email: null });
    expect(changed.updatedAt >= ada.updatedAt).toBe(true);
    expectErrorEnvelope(await call("PATCH", `/v1/contacts/${ada.id}`, { key: sendKey, body: { phone: "+14155550142" } }), 409, "CONFLICT");
  });

  it("deletes a contact; a second delete is 404", async () => {
    const { sendKey, readKey } = await freshTenant();
    const gone = await create(sendKey, { name: "Gone" });
    expect(expectSuccessEnvelope(await call("DELETE", `/v1/contacts/${gone.id}`, { key: sendKey }))).toEqual({
      id: gone.id,
      deleted: true,
    });
    expectErrorEnvelope(await call("GET", `/v1/contacts/${gone.id}`, { key: readKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("DELETE", `/v1/contacts/${gone.id}`, { key: sendKey }), 404, "NOT_FOUND");
  });
});
