import { describe, expect, it } from "vitest";
import { DecryptionError, type Keyring, keyringFromEnv, open, type Sealed, seal } from "../../shared/crypto/credential-cipher";

/** A secret made at run time: 32 random bytes as 64 hex characters. */
function newSecret(bytes = 32): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const CONFIG = {
  accountSid: "AC0123456789abcdef0123456789abcdef",
  authToken: "token-value",
  from: "+14155550100",
  nested: { port: 587, ok: true },
};

/** Replace one character of the base64 text at `index` by another valid base64 character. */
function flipChar(text: string, index: number): string {
  const replacement = text[index] === "A" ? "B" : "A";
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

async function expectDecryptionError(promise: Promise<unknown>, providerId: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DecryptionError);
  expect((error as Error).name).toBe("DecryptionError");
  expect((error as Error).message).toContain(providerId);
}

describe("seal / open", () => {
  it("round-trips a config", async () => {
    const keyring = keyringFromEnv({ ENCRYPTION_SECRET: newSecret() });
    const sealed = await seal(keyring, "prv_one", CONFIG);
    expect(sealed.keyVersion).toBe(1);
    expect(sealed.ciphertext).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(sealed.ciphertext).not.toContain("token-value");
    expect(atob(sealed.ciphertext)).not.toContain("token-value");
    expect(await open(keyring, "prv_one", sealed)).toEqual(CONFIG);
  });

  it("round-trips non-ASCII text and other JSON values", async () => {
    const keyring = keyringFromEnv({ ENCRYPTION_SECRET: newSecret() });
    for (const value of [{ from: "Zoë <zoë@例え.jp>", emoji: "🔐" }, [1, "two", null], "plain", 42, {}]) {
      expect(await open(keyring, "prv_x", await seal(keyring, "prv_x", value))).toEqual(value);
    }
  });

  it("uses a fresh IV every time", async () => {
    const keyring = keyringFromEnv({ ENCRYPTION_SECRET: newSecret() });
    const first = await seal(keyring, "prv_one", CONFIG);
    const second = await seal(keyring, "prv_one", CONFIG);
    expect(second.ciphertext).not.toBe(first.ciphertext);
    // The first 12 bytes are the IV.
    expect(atob(second.ciphertext).slice(0, 12)).not.toBe(atob(first.ciphertext).slice(0, 12));
    expect(await open(keyring, "prv_one", first)).toEqual(await open(keyring, "prv_one", second));
  });

  it("rejects a tampered ciphertext", async () => {
    const keyring = keyringFromEnv({ ENCRYPTION_SECRET: newSecret() });
    const sealed = await seal(keyring, "prv_one", CONFIG);
    // One character in the IV, one in the encrypted body, one in the authentication tag.
    for (const index of [4, 24, sealed.ciphertext.replace(/=+$/, "").length - 6]) {
      const tampered: Sealed = { ...sealed, ciphertext: flipChar(sealed.ciphertext, index) };
      expect(tampered.ciphertext).not.toBe(sealed.ciphertext);
      await expectDecryptionError(open(keyring, "prv_one", tampered), "prv_one");
    }
    await expectDecryptionError(open(keyring, "prv_one", { ...sealed, ciphertext: sealed.ciphertext.slice(0, 20) }), "prv_one");
    await expectDecryptionError(open(keyring, "prv_one", { ...sealed, ciphertext: "not base64 at all!" }), "prv_one");
  });

  it("rejects a ciphertext opened under another provider id", async () => {
    const keyring = keyringFromEnv({ ENCRYPTION_SECRET: newSecret() });
    const sealed = await seal(keyring, "prv_one", CONFIG);
    await expectDecryptionError(open(keyring, "prv_two", sealed), "prv_two");
  });

  it("rejects a ciphertext relabelled with another key version", async () => {
    const secret = newSecret();
    const keyring = keyringFromEnv({ ENCRYPTION_SECRET: secret, ENCRYPTION_KEY_VERSION: "1", ENCRYPTION_SECRET_V2: secret });
    const sealed = await seal(keyring, "prv_one", CONFIG);
    await expectDecryptionError(open(keyring, "prv_one", { ...sealed, keyVersion: 2 }), "prv_one");
  });

  it("rejects a ciphertext opened with another secret", async () => {
    const sealed = await seal(keyringFromEnv({ ENCRYPTION_SECRET: newSecret() }), "prv_one", CONFIG);
    await expectDecryptionError(open(keyringFromEnv({ ENCRYPTION_SECRET: newSecret() }), "prv_one", sealed), "prv_one");
  });
});

describe("key rotation", () => {
  it("opens an old ciphertext while the retired secret is kept as ENCRYPTION_SECRET_V1", async () => {
    const v1 = newSecret();
    const v2 = newSecret();
    const before: Keyring = keyringFromEnv({ ENCRYPTION_SECRET: v1, ENCRYPTION_KEY_VERSION: "1" });
    const sealed = await seal(before, "prv_rot", CONFIG);
    expect(sealed.keyVersion).toBe(1);

    const after = keyringFromEnv({ ENCRYPTION_SECRET: v2, ENCRYPTION_KEY_VERSION: "2", ENCRYPTION_SECRET_V1: v1 });
    expect(after.current).toBe(2);
    expect(await open(after, "prv_rot", sealed)).toEqual(CONFIG);

    // New seals use version 2; the old keyring cannot read them.
    const resealed = await seal(after, "prv_rot", CONFIG);
    expect(resealed.keyVersion).toBe(2);
    expect(await open(after, "prv_rot", resealed)).toEqual(CONFIG);
    await expectDecryptionError(open(before, "prv_rot", resealed), "prv_rot");
  });

  it("cannot open an old ciphertext once the retired secret is gone", async () => {
    const v1 = newSecret();
    const sealed = await seal(keyringFromEnv({ ENCRYPTION_SECRET: v1 }), "prv_rot", CONFIG);
    const withoutV1 = keyringFromEnv({ ENCRYPTION_SECRET: newSecret(), ENCRYPTION_KEY_VERSION: "2" });
    await expectDecryptionError(open(withoutV1, "prv_rot", sealed), "prv_rot");
    const wrongV1 = keyringFromEnv({ ENCRYPTION_SECRET: newSecret(), ENCRYPTION_KEY_VERSION: "2", ENCRYPTION_SECRET_V1: newSecret() });
    await expectDecryptionError(open(wrongV1, "prv_rot", sealed), "prv_rot");
  });
});

describe("keyringFromEnv", () => {
  it("makes ENCRYPTION_SECRET the current version, 1 by default", () => {
    const secret = newSecret();
    const keyring = keyringFromEnv({ ENCRYPTION_SECRET: secret });
    expect(keyring.current).toBe(1);
    expect(keyring.secrets.get(1)).toBe(secret);
    expect(keyring.secrets.size).toBe(1);
  });

  it("collects retired secrets and lets the current one win its own version", () => {
    const current = newSecret();
    const v1 = newSecret();
    const stale = newSecret();
    const keyring = keyringFromEnv({
      ENCRYPTION_SECRET: current,
      ENCRYPTION_KEY_VERSION: "3",
      ENCRYPTION_SECRET_V1: v1,
      ENCRYPTION_SECRET_V3: stale,
      UNRELATED: "x",
    });
    expect(keyring.current).toBe(3);
    expect(keyring.secrets.get(1)).toBe(v1);
    expect(keyring.secrets.get(3)).toBe(current);
    expect([...keyring.secrets.keys()].sort()).toEqual([1, 3]);
  });

  it("rejects a missing or short secret", () => {
    expect(() => keyringFromEnv({})).toThrow(/ENCRYPTION_SECRET/);
    expect(() => keyringFromEnv({ ENCRYPTION_SECRET: "" })).toThrow(/ENCRYPTION_SECRET/);
    expect(() => keyringFromEnv({ ENCRYPTION_SECRET: newSecret().slice(0, 31) })).toThrow(/32/);
    expect(() => keyringFromEnv({ ENCRYPTION_SECRET: 12345 })).toThrow(/ENCRYPTION_SECRET/);
    expect(keyringFromEnv({ ENCRYPTION_SECRET: newSecret().slice(0, 32) }).current).toBe(1);
  });

  it("rejects a key version that is not a positive integer", () => {
    const secret = newSecret();
    for (const version of ["0", "-1", "1.5", "two", ""])
      expect(() => keyringFromEnv({ ENCRYPTION_SECRET: secret, ENCRYPTION_KEY_VERSION: version }), version).toThrow(
        /ENCRYPTION_KEY_VERSION/,
      );
  });

  it("never puts the secret in its error message", () => {
    const short = newSecret().slice(0, 20);
    expect(() => keyringFromEnv({ ENCRYPTION_SECRET: short })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(short) }),
    );
  });
});
