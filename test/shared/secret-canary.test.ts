import { describe, expect, it } from "vitest";
import { sealCanary, secretHealth } from "../../shared/crypto/secret-canary";

const secretA = "a".repeat(16) + crypto.randomUUID();
const secretB = "b".repeat(16) + crypto.randomUUID();

describe("secret canary", () => {
  it("opens under the secret that sealed it", async () => {
    expect(await secretHealth({ ENCRYPTION_SECRET: secretA, ENCRYPTION_CANARY: await sealCanary(secretA) })).toEqual({ ok: true });
  });

  it("fails under another secret, without naming either", async () => {
    const health = await secretHealth({ ENCRYPTION_SECRET: secretB, ENCRYPTION_CANARY: await sealCanary(secretA) });
    expect(health.ok).toBe(false);
    expect(health.message).toContain("differs");
    expect(health.message).not.toContain(secretA);
    expect(health.message).not.toContain(secretB);
  });

  it("still opens after a rotation that keeps the old secret as ENCRYPTION_SECRET_V1", async () => {
    const canary = await sealCanary(secretA, 1);
    const rotated = { ENCRYPTION_SECRET: secretB, ENCRYPTION_KEY_VERSION: "2", ENCRYPTION_SECRET_V1: secretA, ENCRYPTION_CANARY: canary };
    expect(await secretHealth(rotated)).toEqual({ ok: true });
    expect((await secretHealth({ ...rotated, ENCRYPTION_SECRET_V1: undefined })).ok).toBe(false);
  });

  it("is unchecked, not failing, without a canary; a malformed one or a missing secret fails", async () => {
    expect(await secretHealth({ ENCRYPTION_SECRET: secretA })).toEqual({ ok: true, message: expect.stringContaining("unchecked") });
    expect((await secretHealth({ ENCRYPTION_SECRET: secretA, ENCRYPTION_CANARY: "garbage" })).ok).toBe(false);
    expect((await secretHealth({ ENCRYPTION_CANARY: await sealCanary(secretA) })).ok).toBe(false);
  });
});
