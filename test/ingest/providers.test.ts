import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyringFromEnv, open } from "../../shared/crypto/credential-cipher";
import { call, createOpsKey, createTenant, expectErrorEnvelope, expectSuccessEnvelope } from "../support/api";
import { expectInvalid, randomHex } from "../support/checks";

type Provider = {
  id: string;
  tenantId: string | null;
  type: string;
  channel: string;
  name: string;
  mask: string;
  enabled: boolean;
  priority: number;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};
type ProviderRow = Record<string, unknown> & { encrypted_config: string; key_version: number; mask: string; updated_at: string };

const VIEW_KEYS = [
  "channel",
  "createdAt",
  "enabled",
  "id",
  "mask",
  "metadata",
  "name",
  "pricing",
  "priority",
  "tenantId",
  "type",
  "updatedAt",
];

/** Each type with a valid config; `secrets` are the write-only values that must never come back. */
function fixtures() {
  const twilioToken = randomHex(16);
  const resendKey = `re_${randomHex(12)}`;
  const resendWebhookSecret = `whsec_${randomHex(16)}`;
  const sesSecret = randomHex(20);
  const smtpPassword = randomHex(12);
  const webhookSecret = randomHex(16);
  const telegramToken = `123456789:${randomHex(16)}`;
  const telegramSecretToken = randomHex(16);
  const slackToken = `xoxb-${randomHex(6)}-${randomHex(12)}`;
  const slackSigningSecret = randomHex(16);
  return [
    {
      type: "twilio",
      channel: "sms",
      config: { accountSid: `AC${randomHex(16)}`, authToken: twilioToken, from: "+14155550100" },
      secrets: [twilioToken],
    },
    {
      type: "resend",
      channel: "email",
      config: { apiKey: resendKey, from: "Acme <noreply@acme.test>", webhookSecret: resendWebhookSecret },
      secrets: [resendKey, resendWebhookSecret],
    },
    {
      type: "aws-ses",
      channel: "email",
      config: { accessKeyId: `AKIA${randomHex(8)}`, secretAccessKey: sesSecret, region: "eu-west-1", from: "noreply@acme.test" },
      secrets: [sesSecret],
    },
    {
      type: "smtp",
      channel: "email",
      config: {
        host: "smtp.acme.test",
        port: 587,
        security: "starttls",
        username: "relay",
        password: smtpPassword,
        from: "noreply@acme.test",
      },
      secrets: [smtpPassword],
    },
    {
      type: "webhook",
      channel: "webhook",
      config: { url: "https://hooks.acme.test/relay", secret: webhookSecret },
      secrets: [webhookSecret],
    },
    {
      type: "telegram",
      channel: "telegram",
      config: { botToken: telegramToken, secretToken: telegramSecretToken, mode: "poll" },
      secrets: [telegramToken, telegramSecretToken],
    },
    {
      type: "slack",
      channel: "slack",
      config: { botToken: slackToken, signingSecret: slackSigningSecret },
      secrets: [slackToken, slackSigningSecret],
    },
  ] as const;
}

const twilioConfig = (overrides: Record<string, unknown> = {}) => ({
  accountSid: `AC${randomHex(16)}`,
  authToken: randomHex(16),
  from: "+14155550100",
  ...overrides,
});

async function rawRow(id: string): Promise<ProviderRow | null> {
  return env.DB.prepare("SELECT * FROM provider_configs WHERE id = ?").bind(id).first<ProviderRow>();
}

async function decrypted(id: string): Promise<Record<string, unknown>> {
  const row = await rawRow(id);
  if (!row) throw new Error(`no row ${id}`);
  return (await open(keyringFromEnv(env), id, { ciphertext: row.encrypted_config, keyVersion: row.key_version })) as Record<
    string,
    unknown
  >;
}

async function createTwilio(key: string, body: Record<string, unknown> = {}) {
  const config = twilioConfig();
  const answer = await call<Provider>("POST", "/v1/providers", { key, body: { type: "twilio", name: "Twilio", config, ...body } });
  return { provider: expectSuccessEnvelope(answer, 201), config };
}

async function createSystem(key: string, body: Record<string, unknown> = {}) {
  const answer = await call<Provider>("POST", "/v1/providers", {
    key,
    body: { type: "system", name: "System", channel: "sms", config: {}, ...body },
  });
  return expectSuccessEnvelope(answer, 201);
}

describe("POST /v1/providers", () => {
  for (const fixture of fixtures()) {
    it(`creates a ${fixture.type} provider and never shows its secrets`, async () => {
      const tenant = await createTenant(await createOpsKey());
      const answer = await call<Provider>("POST", "/v1/providers", {
        key: tenant.adminKey,
        body: { type: fixture.type, name: `My ${fixture.type}`, config: fixture.config, metadata: { tps: 10 } },
      });
      const data = expectSuccessEnvelope(answer, 201);
      expect(Object.keys(data).sort()).toEqual(VIEW_KEYS);
      expect(data).toMatchObject({
        tenantId: tenant.tenantId,
        type: fixture.type,
        channel: fixture.channel,
        name: `My ${fixture.type}`,
        enabled: true,
        priority: 0,
        metadata: { tps: 10 },
        mask: `…${fixture.secrets[0].slice(-4)}`,
      });
      expect(data.id).toMatch(/^prv_[0-9A-Za-z]{21}$/);
      const text = JSON.stringify(answer.body);
      for (const secret of fixture.secrets) expect(text).not.toContain(secret);
      for (const field of ["config", "encryptedConfig", "keyVersion"]) expect(text).not.toContain(`"${field}"`);

      // The raw row: sealed, with no plaintext secret in any column.
      const row = await rawRow(data.id);
      expect(row).not.toBeNull();
      const rowText = Object.values(row ?? {}).join("\n");
      for (const secret of fixture.secrets) expect(rowText).not.toContain(secret);
      expect(row?.key_version).toBe(1);
      expect(row?.mask).toBe(data.mask);
      // …and it decrypts, under this provider's id, to exactly the config given.
      expect(await decrypted(data.id)).toEqual(fixture.config);

      // Reading it back shows no secret either.
      const read = await call<Provider>("GET", `/v1/providers/${data.id}`, { key: tenant.adminKey });
      expect(expectSuccessEnvelope(read)).toEqual(data);
      for (const secret of fixture.secrets) expect(JSON.stringify(read.body)).not.toContain(secret);
    });
  }

  it("creates a system provider for the channel it is given, with an empty mask", async () => {
    const tenant = await createTenant(await createOpsKey());
    const data = await createSystem(tenant.adminKey, { channel: "push", priority: 3, enabled: false });
    expect(data).toMatchObject({ type: "system", channel: "push", mask: "", priority: 3, enabled: false, tenantId: tenant.tenantId });
    expect(await decrypted(data.id)).toEqual({});
  });

  it("accepts a channel equal to the type's own", async () => {
    const tenant = await createTenant(await createOpsKey());
    const { provider } = await createTwilio(tenant.adminKey, { channel: "sms" });
    expect(provider.channel).toBe("sms");
  });

  it("uses a messaging service instead of a from number", async () => {
    const tenant = await createTenant(await createOpsKey());
    const config = twilioConfig({ from: undefined, messagingServiceSid: `MG${randomHex(16)}` });
    const answer = await call<Provider>("POST", "/v1/providers", { key: tenant.adminKey, body: { type: "twilio", name: "T", config } });
    expectSuccessEnvelope(answer, 201);
  });

  const invalid: [string, string, Record<string, unknown>, string][] = [
    ["twilio", "a bad accountSid", twilioConfig({ accountSid: "AC123" }), "config.accountSid"],
    ["twilio", "both from and messagingServiceSid", twilioConfig({ messagingServiceSid: `MG${"ab".repeat(16)}` }), "config.from"],
    ["twilio", "neither from nor messagingServiceSid", twilioConfig({ from: undefined }), "config.from"],
    ["twilio", "an unknown field", twilioConfig({ region: "us1" }), "config.region"],
    ["twilio", "a missing authToken", twilioConfig({ authToken: undefined }), "config.authToken"],
    ["twilio", "a non-http baseUrl", twilioConfig({ baseUrl: "ftp://twilio.test" }), "config.baseUrl"],
    ["twilio", "a bad messagingServiceSid", twilioConfig({ from: undefined, messagingServiceSid: "MG1" }), "config.messagingServiceSid"],
    ["resend", "a missing apiKey", { from: "a@b.test" }, "config.apiKey"],
    ["resend", "a webhookSecret without whsec_", { apiKey: "re_x", from: "a@b.test", webhookSecret: "nope" }, "config.webhookSecret"],
    [
      "aws-ses",
      "a bad region",
      { accessKeyId: "AKIA1234567890AB", secretAccessKey: "s", region: "Europe", from: "a@b.test" },
      "config.region",
    ],
    [
      "aws-ses",
      "a short accessKeyId",
      { accessKeyId: "AKIA", secretAccessKey: "s", region: "us-east-1", from: "a@b.test" },
      "config.accessKeyId",
    ],
    ["smtp", "a port out of range", { host: "h", port: 70000, security: "tls", from: "a@b.test" }, "config.port"],
    ["smtp", "a port given as a string", { host: "h", port: "587", security: "tls", from: "a@b.test" }, "config.port"],
    ["smtp", "an unknown security mode", { host: "h", port: 465, security: "ssl", from: "a@b.test" }, "config.security"],
    ["smtp", "a missing from", { host: "h", port: 465, security: "tls" }, "config.from"],
    ["webhook", "a non-http url", { url: "ftp://hooks.test/x" }, "config.url"],
    ["webhook", "a secret shorter than 24 characters", { url: "https://hooks.test/x", secret: "short-secret" }, "config.secret"],
    ["webhook", "an unknown field", { url: "https://hooks.test/x", token: "t" }, "config.token"],
    ["system", "an unknown fail mode", { fail: "sometimes" }, "config.fail"],
    ["telegram", "a token without its bot id", { botToken: "abcdefabcdefabcdefabcdef" }, "config.botToken"],
    ["telegram", "an unknown mode", { botToken: `1:${"a".repeat(30)}`, mode: "push" }, "config.mode"],
    ["telegram", "a short secret token", { botToken: `1:${"a".repeat(30)}`, secretToken: "short" }, "config.secretToken"],
    ["telegram", "a private base URL", { botToken: `1:${"a".repeat(30)}`, baseUrl: "https://10.0.0.1" }, "config.baseUrl"],
    ["slack", "a missing signing secret", { botToken: `xoxb-${"1".repeat(20)}` }, "config.signingSecret"],
    ["slack", "a token that is not a Slack token", { botToken: "secret", signingSecret: "a".repeat(32) }, "config.botToken"],
  ];
  for (const [type, what, config, path] of invalid) {
    it(`rejects a ${type} config with ${what}`, async () => {
      const tenant = await createTenant(await createOpsKey());
      const body = { type, name: "Bad", config, ...(type === "system" ? { channel: "email" } : {}) };
      const answer = await call("POST", "/v1/providers", { key: tenant.adminKey, body });
      expectInvalid(answer);
      const paths = answer.body.error.details?.map((d) => d.path) ?? [];
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) expect(p.startsWith("config.")).toBe(true);
      expect(paths).toContain(path);
      expect((await call<{ items: Provider[] }>("GET", "/v1/providers", { key: tenant.adminKey })).body.data.items).toEqual([]);
    });
  }

  it("rejects a config that is not an object", async () => {
    const tenant = await createTenant(await createOpsKey());
    expectInvalid(
      await call("POST", "/v1/providers", { key: tenant.adminKey, body: { type: "webhook", name: "W", config: "x" } }),
      "config",
    );
  });

  it("rejects a twilio provider for the email channel", async () => {
    const tenant = await createTenant(await createOpsKey());
    const answer = await call("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { type: "twilio", name: "T", channel: "email", config: twilioConfig() },
    });
    expectInvalid(answer, "channel");
  });

  it("rejects a system provider without a channel", async () => {
    const tenant = await createTenant(await createOpsKey());
    expectInvalid(
      await call("POST", "/v1/providers", { key: tenant.adminKey, body: { type: "system", name: "S", config: {} } }),
      "channel",
    );
  });

  it("rejects an unknown type, an empty name, a bad priority and unknown fields", async () => {
    const tenant = await createTenant(await createOpsKey());
    const post = (body: Record<string, unknown>) =>
      call("POST", "/v1/providers", { key: tenant.adminKey, body: { type: "system", name: "S", channel: "sms", config: {}, ...body } });
    expectInvalid(await post({ type: "pigeon" }), "type");
    expectInvalid(await post({ name: "   " }), "name");
    expectInvalid(await post({ priority: -1 }), "priority");
    expectInvalid(await post({ priority: 1.5 }), "priority");
    expectInvalid(await post({ channel: "fax" }), "channel");
    expectInvalid(await post({ secret: "x" }));
    expectInvalid(await call("POST", "/v1/providers", { key: tenant.adminKey, rawBody: "{not json" }));
  });

  it("needs the admin scope", async () => {
    const tenant = await createTenant(await createOpsKey());
    for (const key of [tenant.sendKey, tenant.readKey]) {
      expectErrorEnvelope(
        await call("POST", "/v1/providers", { key, body: { type: "system", name: "S", channel: "sms", config: {} } }),
        403,
        "FORBIDDEN",
      );
      expectErrorEnvelope(await call("GET", "/v1/providers", { key }), 403, "FORBIDDEN");
    }
    const { provider } = await createTwilio(tenant.adminKey);
    for (const key of [tenant.sendKey, tenant.readKey]) {
      expectErrorEnvelope(await call("GET", `/v1/providers/${provider.id}`, { key }), 403, "FORBIDDEN");
      expectErrorEnvelope(await call("PATCH", `/v1/providers/${provider.id}`, { key, body: { name: "x" } }), 403, "FORBIDDEN");
      expectErrorEnvelope(await call("DELETE", `/v1/providers/${provider.id}`, { key }), 403, "FORBIDDEN");
      expectErrorEnvelope(await call("POST", `/v1/providers/${provider.id}/test`, { key }), 403, "FORBIDDEN");
    }
    expect(expectSuccessEnvelope(await call<Provider>("GET", `/v1/providers/${provider.id}`, { key: tenant.adminKey })).name).toBe(
      "Twilio",
    );
  });

  it("needs a key", async () => {
    expectErrorEnvelope(
      await call("POST", "/v1/providers", { body: { type: "system", name: "S", channel: "sms", config: {} } }),
      401,
      "UNAUTHORIZED",
    );
  });
});

describe("ownership on create", () => {
  it("lets an ops key create a system default (tenantId null)", async () => {
    const ops = await createOpsKey();
    const explicit = await createSystem(ops, { tenantId: null });
    expect(explicit.tenantId).toBeNull();
    const implicit = await createSystem(ops);
    expect(implicit.tenantId).toBeNull();
  });

  it("lets an ops key create a provider for an existing tenant", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const { provider } = await createTwilio(ops, { tenantId: tenant.tenantId });
    expect(provider.tenantId).toBe(tenant.tenantId);
    const list = expectSuccessEnvelope(await call<{ items: Provider[] }>("GET", "/v1/providers", { key: tenant.adminKey }));
    expect(list.items.map((p) => p.id)).toEqual([provider.id]);
  });

  it("rejects an unknown tenantId from an ops key", async () => {
    const ops = await createOpsKey();
    expectInvalid(
      await call("POST", "/v1/providers", {
        key: ops,
        body: { type: "system", name: "S", channel: "sms", config: {}, tenantId: "ten_doesnotexist000000000" },
      }),
      "tenantId",
    );
  });

  it("rejects a tenant key naming another tenant or the system", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const post = (tenantId: string | null) =>
      call("POST", "/v1/providers", { key: a.adminKey, body: { type: "system", name: "S", channel: "sms", config: {}, tenantId } });
    expectInvalid(await post(b.tenantId), "tenantId");
    expectInvalid(await post(null), "tenantId");
    expect((await call<{ items: Provider[] }>("GET", "/v1/providers", { key: b.adminKey })).body.data.items).toEqual([]);
    const own = expectSuccessEnvelope(await post(a.tenantId), 201) as Provider;
    expect(own.tenantId).toBe(a.tenantId);
  });
});

describe("GET /v1/providers", () => {
  it("shows a tenant only its own providers, by channel then priority", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const smsBackup = await createSystem(a.adminKey, { channel: "sms", priority: 1, name: "backup" });
    const { provider: smsPrimary } = await createTwilio(a.adminKey, { priority: 0 });
    const email = await createSystem(a.adminKey, { channel: "email" });
    const other = await createSystem(b.adminKey);
    const system = await createSystem(ops);

    const listA = await call<{ items: Provider[]; nextCursor: null }>("GET", "/v1/providers", { key: a.adminKey });
    const dataA = expectSuccessEnvelope(listA);
    expect(dataA.items.map((p) => p.id)).toEqual([email.id, smsPrimary.id, smsBackup.id]);
    expect(dataA.nextCursor).toBeNull();
    expect(listA.headers.get("x-request-id")).toBe(listA.body.meta.requestId);
    for (const item of dataA.items) expect(Object.keys(item).sort()).toEqual(VIEW_KEYS);
    const listB = expectSuccessEnvelope(await call<{ items: Provider[] }>("GET", "/v1/providers", { key: b.adminKey }));
    expect(listB.items.map((p) => p.id)).toEqual([other.id]);
    expect(JSON.stringify(dataA)).not.toContain(system.id);
  });

  it("shows ops every provider, one tenant's, or the system defaults", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const ofA = await createSystem(a.adminKey);
    const ofB = await createSystem(b.adminKey);
    const system = await createSystem(ops);

    const all = expectSuccessEnvelope(await call<{ items: Provider[] }>("GET", "/v1/providers", { key: ops })).items.map((p) => p.id);
    expect(all).toEqual(expect.arrayContaining([ofA.id, ofB.id, system.id]));

    const onlyA = expectSuccessEnvelope(
      await call<{ items: Provider[] }>("GET", `/v1/providers?tenantId=${a.tenantId}`, { key: ops }),
    ).items;
    expect(onlyA.map((p) => p.id)).toEqual([ofA.id]);

    const systemOnly = expectSuccessEnvelope(await call<{ items: Provider[] }>("GET", "/v1/providers?system=true", { key: ops })).items;
    expect(systemOnly.map((p) => p.id)).toContain(system.id);
    expect(systemOnly.every((p) => p.tenantId === null)).toBe(true);
    expect(systemOnly.map((p) => p.id)).not.toContain(ofA.id);
  });

  it("does not let a tenant list another tenant's providers", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    await createSystem(b.adminKey);
    expectErrorEnvelope(await call("GET", `/v1/providers?tenantId=${b.tenantId}`, { key: a.adminKey }), 403, "FORBIDDEN");
    const systemForTenant = expectSuccessEnvelope(
      await call<{ items: Provider[] }>("GET", "/v1/providers?system=true", { key: a.adminKey }),
    );
    expect(systemForTenant.items).toEqual([]);
  });

  it("rejects unknown query parameters", async () => {
    const tenant = await createTenant(await createOpsKey());
    expectInvalid(await call("GET", "/v1/providers?system=yes", { key: tenant.adminKey }));
    expectInvalid(await call("GET", "/v1/providers?type=twilio", { key: tenant.adminKey }));
  });
});

describe("GET /v1/providers/:id", () => {
  it("answers 404 for an unknown id", async () => {
    const tenant = await createTenant(await createOpsKey());
    expectErrorEnvelope(await call("GET", "/v1/providers/prv_nope", { key: tenant.adminKey }), 404, "NOT_FOUND");
  });

  it("hides system defaults from tenant keys but shows them to ops", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const system = await createSystem(ops);
    expectErrorEnvelope(await call("GET", `/v1/providers/${system.id}`, { key: tenant.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(
      await call("PATCH", `/v1/providers/${system.id}`, { key: tenant.adminKey, body: { enabled: false } }),
      404,
      "NOT_FOUND",
    );
    expectErrorEnvelope(await call("DELETE", `/v1/providers/${system.id}`, { key: tenant.adminKey }), 404, "NOT_FOUND");
    expect(expectSuccessEnvelope(await call<Provider>("GET", `/v1/providers/${system.id}`, { key: ops })).enabled).toBe(true);
  });
});

describe("PATCH /v1/providers/:id", () => {
  it("changes name, priority, enabled and metadata", async () => {
    const tenant = await createTenant(await createOpsKey());
    const { provider } = await createTwilio(tenant.adminKey);
    const answer = await call<Provider>("PATCH", `/v1/providers/${provider.id}`, {
      key: tenant.adminKey,
      body: { name: "  Renamed  ", priority: 2, enabled: false, metadata: { tps: 5 } },
    });
    const data = expectSuccessEnvelope(answer);
    expect(data).toMatchObject({
      id: provider.id,
      name: "Renamed",
      priority: 2,
      enabled: false,
      metadata: { tps: 5 },
      mask: provider.mask,
    });
    expect(data.createdAt).toBe(provider.createdAt);
    expect(Date.parse(data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(provider.updatedAt));
    expect(Object.keys(data).sort()).toEqual(VIEW_KEYS);
    expect(expectSuccessEnvelope(await call<Provider>("GET", `/v1/providers/${provider.id}`, { key: tenant.adminKey }))).toEqual(data);
  });

  it("leaves fields not named unchanged", async () => {
    const tenant = await createTenant(await createOpsKey());
    const { provider, config } = await createTwilio(tenant.adminKey, { priority: 4, metadata: { tps: 1 } });
    const data = expectSuccessEnvelope(
      await call<Provider>("PATCH", `/v1/providers/${provider.id}`, { key: tenant.adminKey, body: { enabled: false } }),
    );
    expect(data).toMatchObject({ name: "Twilio", priority: 4, metadata: { tps: 1 }, enabled: false, mask: provider.mask });
    expect(await decrypted(provider.id)).toEqual(config);
  });

  it("changes one config field and keeps the secret", async () => {
    const tenant = await createTenant(await createOpsKey());
    const { provider, config } = await createTwilio(tenant.adminKey);
    const before = await rawRow(provider.id);
    const answer = await call<Provider>("PATCH", `/v1/providers/${provider.id}`, {
      key: tenant.adminKey,
      body: { config: { from: "+14155550199" } },
    });
    const data = expectSuccessEnvelope(answer);
    expect(data.mask).toBe(`…${config.authToken.slice(-4)}`);
    expect(JSON.stringify(answer.body)).not.toContain(config.authToken);
    const opened = await decrypted(provider.id);
    expect(opened).toEqual({ ...config, from: "+14155550199" });
    expect(opened.authToken).toBe(config.authToken);
    // Resealed: a fresh IV, still no plaintext in the row.
    const after = await rawRow(provider.id);
    expect(after?.encrypted_config).not.toBe(before?.encrypted_config);
    expect(Object.values(after ?? {}).join("\n")).not.toContain(config.authToken);
  });

  it("changes the secret and its mask", async () => {
    const tenant = await createTenant(await createOpsKey());
    const { provider, config } = await createTwilio(tenant.adminKey);
    const newToken = randomHex(16);
    const answer = await call<Provider>("PATCH", `/v1/providers/${provider.id}`, {
      key: tenant.adminKey,
      body: { config: { authToken: newToken } },
    });
    expect(expectSuccessEnvelope(answer).mask).toBe(`…${newToken.slice(-4)}`);
    expect(JSON.stringify(answer.body)).not.toContain(newToken);
    expect(await decrypted(provider.id)).toEqual({ ...config, authToken: newToken });
  });

  it("rejects an invalid config and leaves the row unchanged", async () => {
    const tenant = await createTenant(await createOpsKey());
    const { provider, config } = await createTwilio(tenant.adminKey);
    const before = await rawRow(provider.id);
    for (const patch of [{ accountSid: "nope" }, { messagingServiceSid: `MG${"cd".repeat(16)}` }, { bogus: true }, { authToken: "" }]) {
      const answer = await call("PATCH", `/v1/providers/${provider.id}`, {
        key: tenant.adminKey,
        body: { name: "Changed", config: patch },
      });
      expectInvalid(answer);
      for (const detail of answer.body.error.details ?? []) expect(detail.path.startsWith("config.")).toBe(true);
    }
    expect(await rawRow(provider.id)).toEqual(before);
    expect(await decrypted(provider.id)).toEqual(config);
  });

  it("rejects bad fields", async () => {
    const tenant = await createTenant(await createOpsKey());
    const { provider } = await createTwilio(tenant.adminKey);
    const before = await rawRow(provider.id);
    const patch = (body: unknown) => call("PATCH", `/v1/providers/${provider.id}`, { key: tenant.adminKey, body });
    expectInvalid(await patch({ priority: 101 }), "priority");
    expectInvalid(await patch({ name: "" }), "name");
    expectInvalid(await patch({ enabled: "no" }), "enabled");
    expectInvalid(await patch({ type: "resend" }));
    expectInvalid(await patch({ tenantId: null }));
    expect(await rawRow(provider.id)).toEqual(before);
  });

  it("answers 404 for an unknown id", async () => {
    const tenant = await createTenant(await createOpsKey());
    expectErrorEnvelope(await call("PATCH", "/v1/providers/prv_nope", { key: tenant.adminKey, body: { name: "x" } }), 404, "NOT_FOUND");
  });
});

describe("DELETE /v1/providers/:id", () => {
  it("deletes, then the provider is gone", async () => {
    const tenant = await createTenant(await createOpsKey());
    const { provider } = await createTwilio(tenant.adminKey);
    const answer = await call("DELETE", `/v1/providers/${provider.id}`, { key: tenant.adminKey });
    expect(expectSuccessEnvelope(answer)).toEqual({ id: provider.id, deleted: true });
    expectErrorEnvelope(await call("GET", `/v1/providers/${provider.id}`, { key: tenant.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("DELETE", `/v1/providers/${provider.id}`, { key: tenant.adminKey }), 404, "NOT_FOUND");
    expect(await rawRow(provider.id)).toBeNull();
    expect(expectSuccessEnvelope(await call<{ items: Provider[] }>("GET", "/v1/providers", { key: tenant.adminKey })).items).toEqual([]);
  });
});

describe("another tenant's provider", () => {
  it("is invisible to get, patch, delete and test", async () => {
    const ops = await createOpsKey();
    const a = await createTenant(ops, "A");
    const b = await createTenant(ops, "B");
    const { provider, config } = await createTwilio(a.adminKey);
    const system = await createSystem(a.adminKey);
    const before = await rawRow(provider.id);

    expectErrorEnvelope(await call("GET", `/v1/providers/${provider.id}`, { key: b.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(
      await call("PATCH", `/v1/providers/${provider.id}`, { key: b.adminKey, body: { name: "stolen", config: { from: "+14155550111" } } }),
      404,
      "NOT_FOUND",
    );
    expectErrorEnvelope(await call("DELETE", `/v1/providers/${provider.id}`, { key: b.adminKey }), 404, "NOT_FOUND");
    expectErrorEnvelope(await call("POST", `/v1/providers/${system.id}/test`, { key: b.adminKey }), 404, "NOT_FOUND");

    expect(await rawRow(provider.id)).toEqual(before);
    expect(await decrypted(provider.id)).toEqual(config);
    expect(expectSuccessEnvelope(await call<Provider>("GET", `/v1/providers/${provider.id}`, { key: a.adminKey })).name).toBe("Twilio");
  });
});

describe("POST /v1/providers/:id/test", () => {
  it("reports a working system provider as ok", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    for (const key of [tenant.adminKey, ops]) {
      const provider = await createSystem(key);
      const data = expectSuccessEnvelope(
        await call<{ ok: boolean; message: string; latencyMs: number }>("POST", `/v1/providers/${provider.id}/test`, { key }),
      );
      expect(data.ok).toBe(true);
      expect(data.message).toEqual(expect.any(String));
      expect(data.latencyMs).toEqual(expect.any(Number));
      expect(Object.keys(data).sort()).toEqual(["latencyMs", "message", "ok"]);
    }
  });

  it("reports a failing system provider as not ok, with 200", async () => {
    const tenant = await createTenant(await createOpsKey());
    for (const fail of ["transient", "permanent"]) {
      const provider = await createSystem(tenant.adminKey, { config: { fail } });
      const answer = await call<{ ok: boolean; message: string }>("POST", `/v1/providers/${provider.id}/test`, { key: tenant.adminKey });
      const data = expectSuccessEnvelope(answer);
      expect(data.ok).toBe(false);
      expect(data.message).toContain(fail);
    }
  });

  it("checks the config as changed by PATCH", async () => {
    const tenant = await createTenant(await createOpsKey());
    const provider = await createSystem(tenant.adminKey);
    const test = () => call<{ ok: boolean }>("POST", `/v1/providers/${provider.id}/test`, { key: tenant.adminKey });
    expect(expectSuccessEnvelope(await test()).ok).toBe(true);
    expectSuccessEnvelope(
      await call("PATCH", `/v1/providers/${provider.id}`, { key: tenant.adminKey, body: { config: { fail: "transient" } } }),
    );
    expect(expectSuccessEnvelope(await test()).ok).toBe(false);
  });

  it("answers 404 for an unknown id", async () => {
    const tenant = await createTenant(await createOpsKey());
    expectErrorEnvelope(await call("POST", "/v1/providers/prv_nope/test", { key: tenant.adminKey }), 404, "NOT_FOUND");
  });
});

describe("provider config that cannot be decrypted, and removing a field", () => {
  it("answers 409 with a clear message instead of a server error, and a complete PATCH replaces it", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const created = await call<{ id: string }>("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { type: "twilio", name: "t", config: { accountSid: `AC${randomHex(16)}`, authToken: randomHex(16), from: "+15005550006" } },
    });
    await env.DB.prepare("UPDATE provider_configs SET key_version = 9 WHERE id = ?").bind(created.body.data.id).run();

    const partial = await call("PATCH", `/v1/providers/${created.body.data.id}`, {
      key: tenant.adminKey,
      body: { config: { from: "+15005550007" } },
    });
    expect(partial.status).toBe(409);
    expect(partial.body.error.retryable).toBe(false);
    expect(partial.body.error.message).toContain("cannot be decrypted");

    const token = randomHex(16);
    const complete = await call("PATCH", `/v1/providers/${created.body.data.id}`, {
      key: tenant.adminKey,
      body: { config: { accountSid: `AC${randomHex(16)}`, authToken: token, from: "+15005550007" } },
    });
    expect(complete.status).toBe(200);
    expect(complete.body.data.mask).toBe(`…${token.slice(-4)}`);
  });

  it("removes a config field set to null, e.g. switching Twilio from `from` to a messaging service", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const created = await call<{ id: string }>("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { type: "twilio", name: "t", config: { accountSid: `AC${randomHex(16)}`, authToken: randomHex(16), from: "+15005550006" } },
    });
    const switched = await call("PATCH", `/v1/providers/${created.body.data.id}`, {
      key: tenant.adminKey,
      body: { config: { from: null, messagingServiceSid: `MG${randomHex(16)}` } },
    });
    expect(switched.status).toBe(200);
    const both = await call("PATCH", `/v1/providers/${created.body.data.id}`, {
      key: tenant.adminKey,
      body: { config: { from: "+15005550006" } },
    });
    expect(both.status).toBe(400);
  });
});

describe("provider metadata", () => {
  it("refuses a tpsLimit that is not a whole number from 1 to 10000", async () => {
    const tenant = await createTenant(await createOpsKey());
    for (const tpsLimit of [0, 0.5, -3, 20_000]) {
      const answer = await call("POST", "/v1/providers", {
        key: tenant.adminKey,
        body: { type: "system", name: "s", channel: "sms", config: {}, metadata: { tpsLimit } },
      });
      expect(answer.status, String(tpsLimit)).toBe(400);
      expect(answer.body.error.details?.some((d) => d.path === "metadata.tpsLimit")).toBe(true);
    }
    const ok = await call("POST", "/v1/providers", {
      key: tenant.adminKey,
      body: { type: "system", name: "s", channel: "sms", config: {}, metadata: { tpsLimit: 5 } },
    });
    expect(ok.status).toBe(201);
  });
});
