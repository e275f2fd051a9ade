import { describe, expect, it } from "vitest";
import { call, createOpsKey, createTenant, sms } from "../support/api";

describe("smoke", () => {
  it("accepts an SMS and reads it back", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const sent = await call<{ id: string; status: string }>("POST", "/v1/messages", { key: tenant.sendKey, body: sms() });
    expect(sent.status).toBe(202);
    const read = await call<{ status: string; events: unknown[] }>("GET", `/v1/messages/${sent.body.data.id}`, { key: tenant.readKey });
    expect(read.body.data.status).toBe("queued");
    expect(read.body.data.events).toHaveLength(1);
  });
});
