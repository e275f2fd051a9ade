import { createECDH } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptWebPush } from "../support/node/fakes/web-push-decryption";

/** RFC 8291 §5 (Appendix A): the published example, so the fake's decryption is known to be the standard's. */
const RFC_8291 = {
  plaintext: "When I grow up, I want to be a watermelon",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  auth: "BTBZMqHH6r4Tts7J_aSIgg",
  body:
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT" +
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};
const b = (text: string) => Buffer.from(text, "base64url");

describe("the fake Web Push service's RFC 8291 decryption", () => {
  const ua = { privateKey: b(RFC_8291.uaPrivate), publicKey: b(RFC_8291.uaPublic), auth: b(RFC_8291.auth) };

  it("decrypts the RFC's example body to its plaintext", () => {
    expect(decryptWebPush(b(RFC_8291.body), ua).toString("utf8")).toBe(RFC_8291.plaintext);
  });

  it("the RFC's user agent key pair is consistent", () => {
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(ua.privateKey);
    expect(ecdh.getPublicKey().equals(ua.publicKey)).toBe(true);
  });

  it("refuses a body with one byte changed (the GCM tag no longer matches)", () => {
    const tampered = b(RFC_8291.body);
    tampered[tampered.length - 20] ^= 1;
    expect(() => decryptWebPush(tampered, ua)).toThrow();
  });

  it("refuses the body for another subscription's secret", () => {
    expect(() => decryptWebPush(b(RFC_8291.body), { ...ua, auth: Buffer.alloc(16, 7) })).toThrow();
  });
});
