import { afterEach, describe, expect, it, vi } from "vitest";
import { verifySvixSignature } from "../../shared/providers/resend/svix-signature";
import { verifySlackSignature } from "../../shared/providers/slack/signature";
import { bodyMatchesSha256, isValidTwilioSignature, twilioUrlVariants } from "../../shared/providers/twilio/signature";
import { slackSignature } from "./helpers/slack";
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

describe("Slack's published example (verifying requests from Slack)", () => {
  const secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const timestamp = 1531420618;
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
  const request = (signature: string) => ({
    url: "https://relay-webhooks.example/webhooks/slack/prv_1",
    headers: new Headers({ "x-slack-request-timestamp": String(timestamp), "x-slack-signature": signature }),
    rawBody: body,
  });

  it("the test signer reproduces it and the worker accepts it within five minutes, and only then", async () => {
    expect(await slackSignature(secret, timestamp, body)).toBe(expected);
    await expect(verifySlackSignature(request(expected), secret, (timestamp + 299) * 1000)).resolves.toBeUndefined();
    await expect(verifySlackSignature(request(expected), secret, (timestamp + 301) * 1000)).rejects.toThrow(/five minutes/);
    await expect(verifySlackSignature(request(expected.replace("a2114", "a2115")), secret, timestamp * 1000)).rejects.toThrow(
      /does not match/,
    );
  });
});
