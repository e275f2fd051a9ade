import { afterEach, describe, expect, it, vi } from "vitest";
import { verifySvixSignature } from "../../shared/providers/resend/svix-signature";
import { bodyMatchesSha256, isValidTwilioSignature, twilioUrlVariants } from "../../shared/providers/twilio/signature";
import { sha256Hex, twilioSignature } from "./helpers/twilio";

/**
 * Providers' published examples, checked against both the tests' own signers (so the end-to-end
 * tests sign as the providers do) and the worker's verifiers.
 */
describe("Twilio's published examples", () => {
  const authToken = "12345";
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const call = (number: string) => ({ CallSid: "CA1234567890ABCDE", Caller: number, Digits: "1234", From: number, To: "+18005551212" });
  // Twilio's security documentation, and the request-validation tests of its Node helper library.
  const examples: [string, Record<string, string>, string][] = [
    ["documentation", call("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="],
    ["twilio-node", call("+14158675309"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="],
  ];

  it.each(examples)("the %s example: the test signer reproduces it and the worker accepts it", async (_source, params, expected) => {
    expect(await twilioSignature(authToken, url, params)).toBe(expected);
    expect(await isValidTwilioSignature(authToken, url, Object.entries(params), expected)).toBe(true);
  });

  it.each(examples)("the %s example fails with a changed parameter, URL or token", async (_source, params, expected) => {
    expect(await isValidTwilioSignature(authToken, url, Object.entries({ ...params, Digits: "1235" }), expected)).toBe(false);
    expect(await isValidTwilioSignature(authToken, url.replace("foo=1", "foo=2"), Object.entries(params), expected)).toBe(false);
    expect(await isValidTwilioSignature("12346", url, Object.entries(params), expected)).toBe(false);
  });

  it("the JSON-body example: bodySHA256 in the signed URL, and the body's hash", async () => {
    // twilio-node's tests for validateRequestWithBody.
    const body = '{"property": "value", "boolean": true}';
    const bodySha256 = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    const signedUrl = `${url}&bodySHA256=${bodySha256}`;
    expect(await sha256Hex(body)).toBe(bodySha256);
    expect(await twilioSignature(authToken, signedUrl, {})).toBe("a9nBmqA0ju/hNViExpshrM61xv4=");
    expect(await isValidTwilioSignature(authToken, signedUrl, [], "a9nBmqA0ju/hNViExpshrM61xv4=")).toBe(true);
    expect(await bodyMatchesSha256(body, bodySha256)).toBe(true);
    expect(await bodyMatchesSha256(body.replace("value", "other"), bodySha256)).toBe(false);
  });

  it("tries the URL with and without its port, as Twilio's helpers do", () => {
    expect(twilioUrlVariants("https://relay.example/webhooks/twilio/prv_1?messageId=msg_1")).toEqual([
      "https://relay.example/webhooks/twilio/prv_1?messageId=msg_1",
      "https://relay.example:443/webhooks/twilio/prv_1?messageId=msg_1",
    ]);
    expect(twilioUrlVariants("http://127.0.0.1:8788/webhooks/twilio/prv_1")).toEqual([
      "http://127.0.0.1:8788/webhooks/twilio/prv_1",
      "http://127.0.0.1/webhooks/twilio/prv_1",
    ]);
  });
});

describe("Svix's published example", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const headers = {
    id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    timestamp: "1614265330",
    signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  };
  const body = '{"test": 2432232314}';

  afterEach(() => {
    vi.useRealTimers();
  });

  const at = (seconds: number) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(seconds * 1000);
  };

  it("verifies at its own time, and within 5 minutes either side", () => {
    at(1614265330);
    expect(verifySvixSignature(secret, body, headers)).toEqual({ ok: true, id: headers.id });
    at(1614265330 + 299);
    expect(verifySvixSignature(secret, body, headers).ok).toBe(true);
    at(1614265330 - 299);
    expect(verifySvixSignature(secret, body, headers).ok).toBe(true);
  });

  it("fails beyond 5 minutes either way, or with any byte of the body changed", () => {
    at(1614265330 + 301);
    expect(verifySvixSignature(secret, body, headers).ok).toBe(false);
    at(1614265330 - 301);
    expect(verifySvixSignature(secret, body, headers).ok).toBe(false);
    at(1614265330);
    expect(verifySvixSignature(secret, '{"test": 2432232315}', headers).ok).toBe(false);
  });
});
