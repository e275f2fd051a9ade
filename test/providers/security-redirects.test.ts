import { describe, expect, it } from "vitest";
import type { ProviderType } from "../../shared/domain/enums";
import { providerFor } from "../../shared/providers/provider-factory";
import { emailMessage, fakeSecret, LOCAL_OUTBOUND, patience, randomHex, smsMessage, webhookMessage } from "./fixtures";
import { type Scenario, scenario } from "./scenario";

/**
 * A public provider address must not bounce an adapter elsewhere: every adapter fetches with
 * `redirect: "manual"`, so a 3xx is an outcome and its Location is never requested. The
 * "elsewhere" here is another recording fake on 127.0.0.1, standing in for an internal address.
 */

async function redirectingTo(target: Scenario, status: number): Promise<Scenario> {
  return scenario({ fallback: { status, headers: { location: `${target.baseUrl}/internal` }, body: "moved" } });
}

const ADAPTERS: {
  type: ProviderType;
  config: (baseUrl: string) => Record<string, unknown>;
  message: () => ReturnType<typeof smsMessage>;
}[] = [
  {
    type: "twilio",
    config: (baseUrl) => ({ accountSid: `AC${randomHex(16)}`, authToken: fakeSecret(), from: "+14155550199", baseUrl }),
    message: () => smsMessage(),
  },
  {
    type: "resend",
    config: (baseUrl) => ({ apiKey: fakeSecret("re_"), from: "sender@relay.test", baseUrl }),
    message: () => emailMessage(),
  },
  {
    type: "aws-ses",
    config: (endpoint) => ({
      accessKeyId: `AKIATEST${randomHex(6)}`,
      secretAccessKey: fakeSecret(),
      region: "eu-west-1",
      from: "sender@relay.test",
      endpoint,
    }),
    message: () => emailMessage(),
  },
  { type: "webhook", config: (url) => ({ url: `${url}/hook` }), message: () => webhookMessage() },
];

describe.each(ADAPTERS)("$type does not follow redirects", ({ type, config, message }) => {
  it.each([301, 302, 307, 308])("a %i on send is an unavailable outcome, and the Location is never requested", async (status) => {
    const internal = await scenario({ fallback: { status: 200, body: { id: "should-not-happen", sid: "SMx", MessageId: "x" } } });
    const bouncer = await redirectingTo(internal, status);
    const outcome = await providerFor(type, "prv_redirect", config(bouncer.baseUrl), { outbound: LOCAL_OUTBOUND }).send(
      message(),
      patience(),
    );

    expect(outcome).toMatchObject({ kind: "unavailable", code: `http_${status}` });
    expect(await bouncer.requests()).toHaveLength(1);
    expect(await internal.requests()).toHaveLength(0);
  });

  it("a redirect on the provider test is reported as such, without the status or the Location", async () => {
    const internal = await scenario({ fallback: { status: 200, body: { status: "active", data: [], SendingEnabled: true } } });
    const bouncer = await redirectingTo(internal, 302);
    const result = await providerFor(type, "prv_redirect", config(bouncer.baseUrl), { outbound: LOCAL_OUTBOUND }).check(patience());

    expect(result.ok).toBe(false);
    expect(result.message).toContain("redirects");
    expect(result.message).not.toContain("302");
    expect(result.message).not.toContain(internal.baseUrl);
    expect(await internal.requests()).toHaveLength(0);
  });

  it("the provider test never echoes what an arbitrary host answered", async () => {
    const secretish = `internal-banner-${randomHex(8)}`;
    const host = await scenario({
      fallback: { status: 418, headers: { server: secretish }, body: { message: secretish, name: secretish } },
    });
    const result = await providerFor(type, "prv_echo", config(host.baseUrl), { outbound: LOCAL_OUTBOUND }).check(patience());

    expect(result.ok).toBe(false);
    expect(result.message).not.toContain(secretish);
    expect(result.message).not.toContain("418");
  });
});
