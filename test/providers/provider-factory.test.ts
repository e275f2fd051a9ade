import { describe, expect, it } from "vitest";
import { providerFor } from "../../shared/providers/provider-factory";
import { fakeSecret, randomHex } from "./fixtures";

describe("provider factory", () => {
  it("turns each decrypted config into the adapter of its type", () => {
    const configs = {
      twilio: { accountSid: `AC${randomHex(16)}`, authToken: fakeSecret(), from: "+14155550199" },
      resend: { apiKey: fakeSecret("re_"), from: "sender@relay.test" },
      "aws-ses": { accessKeyId: `AKIATEST${randomHex(6)}`, secretAccessKey: fakeSecret(), region: "us-east-1", from: "sender@relay.test" },
      webhook: { url: "https://hooks.example.test/relay", secret: fakeSecret() },
    } as const;
    for (const [type, config] of Object.entries(configs)) {
      const provider = providerFor(type as keyof typeof configs, "prv_x", config);
      expect(provider.type).toBe(type);
      expect(provider.id).toBe("prv_x");
    }
  });

  it("re-validates the config on the way in", () => {
    expect(() => providerFor("twilio", "prv_x", { accountSid: "not-a-sid", authToken: fakeSecret(), from: "+14155550199" })).toThrow();
    expect(() =>
      providerFor("aws-ses", "prv_x", { accessKeyId: "short", secretAccessKey: fakeSecret(), region: "us-east-1", from: "a@b.c" }),
    ).toThrow();
    expect(() => providerFor("webhook", "prv_x", { url: "ftp://example.test" })).toThrow();
  });
});
