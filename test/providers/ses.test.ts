import { describe, expect, it } from "vitest";
import { providerFor } from "../../shared/providers/provider-factory";
import { emailMessage, fakeSecret, LOCAL_OUTBOUND, patience, randomHex } from "./fixtures";
import { answering, closedUrl, type Scenario, scenario } from "./scenario";
import { expectedSignature, parseAuthorization } from "./sigv4";

const SEND = "POST /v2/email/outbound-emails";
const ACCOUNT = "GET /v2/email/account";

function credentials() {
  return { accessKeyId: `AKIATEST${randomHex(6).toUpperCase()}`, secretAccessKey: fakeSecret() };
}

function ses(endpoint: string, creds = credentials(), extra: Record<string, unknown> = {}) {
  return providerFor(
    "aws-ses",
    "prv_ses1",
    { ...creds, region: "eu-west-1", from: "sender@relay.test", endpoint, ...extra },
    { outbound: LOCAL_OUTBOUND },
  );
}

async function onlyRequest(server: Scenario) {
  const requests = await server.requests();
  expect(requests).toHaveLength(1);
  return requests[0];
}

describe("ses send", () => {
  it("posts SendEmail signed with SigV4 for ses in the configured region", async () => {
    const server = await answering(SEND, { status: 200, body: { MessageId: "0102018f-ses-message-id" } });
    const creds = credentials();
    const outcome = await ses(server.baseUrl, creds, { configurationSet: "relay-events" }).send(emailMessage(), patience());

    expect(outcome).toEqual({ kind: "sent", providerMessageId: "0102018f-ses-message-id" });
    const request = await onlyRequest(server);
    expect(request.path).toBe("/v2/email/outbound-emails");
    expect(request.headers.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/\\d{8}/eu-west-1/ses/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`,
      ),
    );
    expect(parseAuthorization(request.headers.authorization)?.signedHeaders).toEqual(expect.arrayContaining(["host", "x-amz-date"]));
    expect(JSON.parse(request.body)).toEqual({
      FromEmailAddress: "sender@relay.test",
      Destination: { ToAddresses: ["someone@example.com"] },
      Content: {
        Simple: {
          Subject: { Data: "Welcome", Charset: "UTF-8" },
          Body: { Text: { Data: "Hello", Charset: "UTF-8" }, Html: { Data: "<p>Hello</p>", Charset: "UTF-8" } },
        },
      },
      ConfigurationSetName: "relay-events",
    });
  });

  it("signs so that an independent SigV4 computation with the secret agrees", async () => {
    const server = await answering(SEND, { status: 200, body: { MessageId: "m-1" } });
    const creds = credentials();
    await ses(server.baseUrl, creds).send(emailMessage(), patience());
    const request = await onlyRequest(server);
    const fullPath = `${new URL(server.baseUrl).pathname}${request.path}`;
    const signature = parseAuthorization(request.headers.authorization)?.signature;
    expect(signature).toBe(await expectedSignature(request, fullPath, creds.secretAccessKey));
    expect(signature).not.toBe(await expectedSignature(request, fullPath, fakeSecret()));
  });

  it("MessageRejected blames the message: rejected, with SES's type and message", async () => {
    const server = await answering(SEND, {
      status: 400,
      headers: { "x-amzn-ErrorType": "MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/" },
      body: { message: "Email address is not verified." },
    });
    expect(await ses(server.baseUrl).send(emailMessage(), patience())).toEqual({
      kind: "rejected",
      code: "MessageRejected",
      message: "Email address is not verified.",
    });
  });

  it("reads the error type from the body when the header is absent", async () => {
    const server = await answering(SEND, {
      status: 400,
      body: { __type: "com.amazonaws.sesv2#MessageRejected", message: "bounced before" },
    });
    expect(await ses(server.baseUrl).send(emailMessage(), patience())).toMatchObject({ kind: "rejected", code: "MessageRejected" });
  });

  it.each([
    [429, "TooManyRequestsException"],
    [400, "ThrottlingException"],
    [400, "AccountSuspendedException"],
    [400, "MailFromDomainNotVerifiedException"],
    [403, "InvalidSignatureException"],
    [500, "InternalFailure"],
    [503, "ServiceUnavailable"],
  ])("HTTP %i %s blames the provider: unavailable, with one attempt only", async (status, type) => {
    const server = await answering(SEND, { status, headers: { "x-amzn-ErrorType": type }, body: { message: "provider side" } });
    expect(await ses(server.baseUrl).send(emailMessage(), patience())).toMatchObject({ kind: "unavailable", code: type });
    expect(await server.requests()).toHaveLength(1);
  });

  it("a timeout or a refused connection is unavailable", async () => {
    const server = await answering(SEND, { hang: true });
    expect(await ses(server.baseUrl).send(emailMessage(), AbortSignal.timeout(300))).toMatchObject({
      kind: "unavailable",
      code: "timeout",
    });
    expect(await ses(closedUrl()).send(emailMessage(), patience())).toMatchObject({ kind: "unavailable", code: "network_error" });
  });

  it("never repeats the secret key, even when the provider echoes it", async () => {
    const creds = credentials();
    const server = await answering(SEND, {
      status: 403,
      headers: { "x-amzn-ErrorType": "SignatureDoesNotMatch" },
      body: { message: `expected a signature from ${creds.secretAccessKey}` },
    });
    const outcome = await ses(server.baseUrl, creds).send(emailMessage(), patience());
    expect(outcome.kind).toBe("unavailable");
    expect(JSON.stringify(outcome)).not.toContain(creds.secretAccessKey);
  });
});

describe("ses check", () => {
  it("fetches the account, signed, and reports a sandbox", async () => {
    const server = await answering(ACCOUNT, { status: 200, body: { SendingEnabled: true, ProductionAccessEnabled: false } });
    const creds = credentials();
    const result = await ses(server.baseUrl, creds).check(patience());
    expect(result.ok).toBe(true);
    expect(result.message).toContain("sandbox");
    const request = await onlyRequest(server);
    expect(request.method).toBe("GET");
    expect(parseAuthorization(request.headers.authorization)).toMatchObject({
      accessKeyId: creds.accessKeyId,
      region: "eu-west-1",
      service: "ses",
    });
  });

  it("is not ok when sending is disabled or the credentials are refused, and never shows the secret", async () => {
    const disabled = await scenario({ routes: { [ACCOUNT]: { status: 200, body: { SendingEnabled: false } } } });
    expect((await ses(disabled.baseUrl).check(patience())).ok).toBe(false);

    const creds = credentials();
    const refused = await answering(ACCOUNT, {
      status: 403,
      headers: { "x-amzn-ErrorType": "UnrecognizedClientException" },
      body: { message: `unknown key; secret was ${creds.secretAccessKey}` },
    });
    const result = await ses(refused.baseUrl, creds).check(patience());
    expect(result.ok).toBe(false);
    expect(result.message).toContain("UnrecognizedClientException");
    expect(result.message).not.toContain(creds.secretAccessKey);

    const unreachable = await ses(closedUrl(), creds).check(patience());
    expect(unreachable.ok).toBe(false);
  });
});
