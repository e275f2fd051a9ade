import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyringFromEnv, open } from "../../shared/crypto/credential-cipher";
import { call, countRows, createOpsKey, createTenant, expectSuccessEnvelope } from "../support/api";
import { csrfOf, signedInBrowser } from "../support/dashboard-browser";

const authToken = () => `tok_${crypto.randomUUID().replaceAll("-", "")}`;

async function addTwilio(adminKey: string, token: string) {
  const body = {
    type: "twilio",
    name: "Twilio main",
    config: { accountSid: `AC${"0".repeat(32)}`, authToken: token, from: "+14155550100" },
  };
  return expectSuccessEnvelope(await call<{ id: string }>("POST", "/v1/providers", { key: adminKey, body }), 201).id;
}

async function storedConfig(providerId: string): Promise<Record<string, unknown>> {
  const row = await env.DB.prepare("SELECT encrypted_config, key_version FROM provider_configs WHERE id = ?")
    .bind(providerId)
    .first<{ encrypted_config: string; key_version: number }>();
  return (await open(keyringFromEnv(env), providerId, {
    ciphertext: row?.encrypted_config ?? "",
    keyVersion: row?.key_version ?? 1,
  })) as Record<string, unknown>;
}

describe("a provider's page in the dashboard", () => {
  it("shows the callback URL to paste at the provider, on the webhooks worker's public URL, with the steps", async () => {
    const tenant = await createTenant(await createOpsKey(), "Setup Co");
    const id = await addTwilio(tenant.adminKey, authToken());
    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get(`/dashboard/providers/${id}`);
    expect(page.html).toContain("Set up at the provider");
    expect(page.html).toContain(`<code>${env.WEBHOOKS_PUBLIC_URL}/webhooks/twilio/${id}/inbound</code>`);
    expect(page.html).toContain("A message comes in");
  });

  it("edits the settings: fields shown without the secret, a blank secret kept, a new one replaces it, audited", async () => {
    const tenant = await createTenant(await createOpsKey(), "Edit Co");
    const token = authToken();
    const id = await addTwilio(tenant.adminKey, token);
    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get(`/dashboard/providers/${id}`);
    expect(page.html).toContain('value="+14155550100"');
    expect(page.html).not.toContain(token);

    const kept = await browser.post(`/dashboard/providers/${id}/settings`, {
      _csrf: csrfOf(page.html),
      name: "Twilio renamed",
      "config.accountSid": `AC${"0".repeat(32)}`,
      "config.authToken": "",
      "config.from": "+14155550199",
      "config.messagingServiceSid": "",
      "config.baseUrl": "",
    });
    expect(kept.status, kept.html.slice(0, 600)).toBe(303);
    expect((await browser.get(kept.location as string)).html).toContain("The settings were saved");
    expect(await storedConfig(id)).toEqual({ accountSid: `AC${"0".repeat(32)}`, authToken: token, from: "+14155550199" });

    const replaced = authToken();
    await browser.post(`/dashboard/providers/${id}/settings`, {
      _csrf: csrfOf(page.html),
      name: "Twilio renamed",
      "config.accountSid": `AC${"0".repeat(32)}`,
      "config.authToken": replaced,
      "config.from": "+14155550199",
    });
    expect((await storedConfig(id)).authToken).toBe(replaced);
    const provider = expectSuccessEnvelope(
      await call<{ name: string; mask: string }>("GET", `/v1/providers/${id}`, { key: tenant.adminKey }),
    );
    expect(provider).toMatchObject({ name: "Twilio renamed", mask: `…${replaced.slice(-4)}` });
    expect(await countRows("audit_log", "target = ? AND action = 'provider.update'", id)).toBe(2);
  });

  it("refuses settings the API would refuse, marking the field, changing nothing and echoing no secret", async () => {
    const tenant = await createTenant(await createOpsKey(), "Edit Co");
    const token = authToken();
    const id = await addTwilio(tenant.adminKey, token);
    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get(`/dashboard/providers/${id}`);
    const typedSecret = authToken();
    const refused = await browser.post(`/dashboard/providers/${id}/settings`, {
      _csrf: csrfOf(page.html),
      name: "Twilio",
      "config.accountSid": "not-a-sid",
      "config.authToken": typedSecret,
      "config.baseUrl": "https://10.0.0.1/",
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("The settings were not saved");
    expect(refused.html).toMatch(/id="config-accountSid"[^>]*aria-invalid="true"/);
    expect(refused.html).not.toContain(typedSecret);
    expect((await storedConfig(id)).authToken).toBe(token);
  });

  it("is not found for another tenant's admin", async () => {
    const ops = await createOpsKey();
    const owner = await createTenant(ops, "Owner");
    const other = await createTenant(ops, "Other");
    const id = await addTwilio(owner.adminKey, authToken());
    const stranger = await signedInBrowser(other.adminKey);
    const posted = await stranger.post(`/dashboard/providers/${id}/settings`, { _csrf: await stranger.token(), name: "mine now" });
    expect(posted.status).toBe(404);
  });
});
