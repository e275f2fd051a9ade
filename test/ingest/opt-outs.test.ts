import { describe, expect, it } from "vitest";
import { call, createOpsKey, createTenant, expectErrorEnvelope, expectSuccessEnvelope, freshTenant } from "../support/api";
import { expectInvalid } from "../support/checks";

type OptOut = {
  id: string;
  channel: string;
  address: string;
  source: string;
  reason: string;
  receivedBy: string | null;
  note: string | null;
};
type Page = { items: OptOut[]; nextCursor: string | null };

describe("/v1/opt-outs", () => {
  it("creates (normalised), lists, edits the note and lifts a suppression", async () => {
    const { adminKey, readKey } = await freshTenant();
    const sms = expectSuccessEnvelope(
      await call<OptOut>("POST", "/v1/opt-outs", {
        key: adminKey,
        body: { channel: "sms", address: "+1 415 555 0501", note: "asked by phone" },
      }),
      201,
    );
    expect(sms).toMatchObject({ channel: "sms", address: "+14155550501", source: "operator", note: "asked by phone" });
    expect(sms.id).toMatch(/^opt_/);
    const email = expectSuccessEnvelope(
      await call<OptOut>("POST", "/v1/opt-outs", { key: adminKey, body: { channel: "email", address: "Ada@Example.com" } }),
      201,
    );
    expect(email.address).toBe("ada@example.com");
    expectErrorEnvelope(
      await call("POST", "/v1/opt-outs", { key: adminKey, body: { channel: "sms", address: "+14155550501" } }),
      409,
      "CONFLICT",
    );
    expectInvalid(await call("POST", "/v1/opt-outs", { key: adminKey, body: { channel: "sms", address: "nobody" } }), "address");

    const page = expectSuccessEnvelope(await call<Page>("GET", "/v1/opt-outs", { key: readKey }));
    expect(page.items.map((item) => item.id)).toEqual([email.id, sms.id]);
    const onlySms = expectSuccessEnvelope(await call<Page>("GET", "/v1/opt-outs?channel=sms", { key: readKey }));
    expect(onlySms.items.map((item) => item.id)).toEqual([sms.id]);

    const edited = expectSuccessEnvelope(await call<OptOut>("PATCH", `/v1/opt-outs/${sms.id}`, { key: adminKey, body: { note: null } }));
    expect(edited.note).toBeNull();
    expectErrorEnvelope(await call("DELETE", `/v1/opt-outs/${sms.id}`, { key: readKey }), 403, "FORBIDDEN");
    expect(expectSuccessEnvelope(await call("DELETE", `/v1/opt-outs/${sms.id}`, { key: adminKey }))).toEqual({ id: sms.id, deleted: true });
    const after = expectSuccessEnvelope(await call<Page>("GET", "/v1/opt-outs", { key: readKey }));
    expect(after.items.map((item) => item.id)).toEqual([email.id]);
  });

  it("keeps tenants apart: another tenant's opt-out is 404", async () => {
    const ops = await createOpsKey();
    const acme = await createTenant(ops, "Acme");
    const other = await createTenant(ops, "Other");
    const mine = expectSuccessEnvelope(
      await call<OptOut>("POST", "/v1/opt-outs", { key: acme.adminKey, body: { channel: "sms", address: "+14155550502" } }),
      201,
    );
    expect(expectSuccessEnvelope(await call<Page>("GET", "/v1/opt-outs", { key: other.readKey })).items).toEqual([]);
    expectErrorEnvelope(await call("PATCH", `/v1/opt-outs/${mine.id}`, { key: other.adminKey, body: { note: "x" } }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("DELETE", `/v1/opt-outs/${mine.id}`, { key: other.adminKey }), 404, "NOT_FOUND");
    // The other tenant may suppress the same number for itself.
    expectSuccessEnvelope(
      await call("POST", "/v1/opt-outs", { key: other.adminKey, body: { channel: "sms", address: "+14155550502" } }),
      201,
    );
  });
});
