import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  countRows,
  createOpsKey,
  createTenant,
  detailPaths,
  email,
  expectErrorEnvelope,
  expectSuccessEnvelope,
  freshTenant,
  sms,
  type TenantFixture,
} from "../support/api";

type Template = {
  id: string;
  tenantId: string;
  name: string;
  channel: string;
  version: number;
  defaultLocale: string;
  content: Record<string, string>;
  locales: Record<string, Record<string, string>>;
};
type Rendered = {
  templateId: string;
  version: number;
  locale: string;
  subject: string | null;
  html: string | null;
  text: string | null;
  title: string | null;
};
type Message = {
  id: string;
  subject: string | null;
  content: Record<string, string>;
  templateId: string | null;
  templateVersion: number | null;
};

const welcome = {
  name: "welcome",
  channel: "email",
  content: {
    subject: "Welcome, {{ user.name }}",
    html: "<h1>Hello {{ user.name }}</h1><p>Your plan: {{ plan }}</p>",
  },
  locales: { fr: { subject: "Bienvenue, {{ user.name }}", html: "<h1>Bonjour {{ user.name }}</h1><p>Forfait : {{ plan }}</p>" } },
};

async function createTemplate(tenant: TenantFixture, body: Record<string, unknown> = welcome): Promise<Template> {
  return expectSuccessEnvelope(await call<Template>("POST", "/v1/templates", { key: tenant.adminKey, body }), 201);
}

async function render(tenant: TenantFixture, id: string, body: Record<string, unknown>) {
  return call<Rendered>("POST", `/v1/templates/${id}/render`, { key: tenant.readKey, body });
}

describe("templates", () => {
  let tenant: TenantFixture;
  beforeAll(async () => {
    tenant = await freshTenant();
  });

  it("creates version 1, reads it back and lists it", async () => {
    const template = await createTemplate(tenant, { ...welcome, name: "created" });
    expect(template.id).toMatch(/^tpl_[0-9A-Za-z]{21}$/);
    expect(template).toMatchObject({ tenantId: tenant.tenantId, name: "created", channel: "email", version: 1, defaultLocale: "en" });
    expect(template.content).toEqual({ ...welcome.content });
    const read = expectSuccessEnvelope(await call<Template>("GET", `/v1/templates/${template.id}`, { key: tenant.readKey }));
    expect(read).toEqual(template);
    const list = expectSuccessEnvelope(await call<{ items: Template[] }>("GET", "/v1/templates", { key: tenant.readKey }));
    expect(list.items.map((item) => item.id)).toContain(template.id);
  });

  it("refuses a second template of the same name with 409", async () => {
    await createTemplate(tenant, { ...welcome, name: "twice" });
    const again = await call("POST", "/v1/templates", { key: tenant.adminKey, body: { ...welcome, name: "twice" } });
    expectErrorEnvelope(again, 409, "CONFLICT");
  });

  it("checks each channel's parts and the Liquid syntax, naming the part", async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ name: "a", channel: "sms", content: { text: "Hi", html: "<p>Hi</p>" } }, ["content.html"]],
      [{ name: "b", channel: "email", content: { html: "<p>Hi</p>" } }, ["content.subject"]],
      [{ name: "c", channel: "push", content: { text: "Hi" } }, ["content.title"]],
      [{ name: "d", channel: "sms", content: { text: "Hi {% if %}" } }, ["content.text"]],
      [{ name: "e", channel: "sms", content: { text: "Hi {{ name | nosuchfilter }}" } }, ["content.text"]],
      [{ name: "f", channel: "sms", content: { text: "Hi" }, locales: { en: { text: "Hello" } } }, ["locales.en"]],
      [{ name: "g", channel: "sms", content: { text: "Hi" }, locales: { de: { subject: "x", text: "Hallo" } } }, ["locales.de.subject"]],
      [{ name: "h", channel: "sms", content: { text: "Hi" }, locales: { "not a tag": { text: "x" } } }, ["locales.not a tag"]],
    ];
    for (const [body, paths] of cases) {
      const answer = await call("POST", "/v1/templates", { key: tenant.adminKey, body });
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(detailPaths(answer), JSON.stringify(body)).toEqual(paths);
    }
    expect(await countTemplates(tenant.tenantId, ["a", "b", "c", "d", "e", "f", "g", "h"])).toBe(0);
  });

  it("makes a new immutable version on every change, and renders any version", async () => {
    const template = await createTemplate(tenant, { name: "versioned", channel: "sms", content: { text: "v1 {{ code }}" } });
    const patched = await call<Template>("PATCH", `/v1/templates/${template.id}`, {
      key: tenant.adminKey,
      body: { content: { text: "v2 {{ code }}" } },
    });
    expect(expectSuccessEnvelope(patched)).toMatchObject({ version: 2, content: { text: "v2 {{ code }}" } });
    const renamed = expectSuccessEnvelope(
      await call<Template>("PATCH", `/v1/templates/${template.id}`, { key: tenant.adminKey, body: { name: "versioned-2" } }),
    );
    expect(renamed).toMatchObject({ version: 3, name: "versioned-2", content: { text: "v2 {{ code }}" } });

    const versions = expectSuccessEnvelope(
      await call<{ items: { version: number; content: { text: string } }[] }>("GET", `/v1/templates/${template.id}/versions`, {
        key: tenant.readKey,
      }),
    );
    expect(versions.items.map((item) => [item.version, item.content.text])).toEqual([
      [3, "v2 {{ code }}"],
      [2, "v2 {{ code }}"],
      [1, "v1 {{ code }}"],
    ]);
    const first = expectSuccessEnvelope(await render(tenant, template.id, { data: { code: 7 }, version: 1 }));
    expect(first).toMatchObject({ version: 1, text: "v1 7" });
    const current = expectSuccessEnvelope(await render(tenant, template.id, { data: { code: 7 } }));
    expect(current).toMatchObject({ version: 3, text: "v2 7" });
    expectErrorEnvelope(await render(tenant, template.id, { data: { code: 7 }, version: 9 }), 404, "NOT_FOUND");
  });

  it("renders HTML escaped, plain parts as written, and makes the text part from the HTML", async () => {
    const template = await createTemplate(tenant, { ...welcome, name: "escaping" });
    const rendered = expectSuccessEnvelope(await render(tenant, template.id, { data: { user: { name: "<Ada & Co>" }, plan: "pro" } }));
    expect(rendered).toEqual({
      templateId: template.id,
      version: 1,
      locale: "en",
      subject: "Welcome, <Ada & Co>",
      html: "<h1>Hello &lt;Ada &amp; Co&gt;</h1><p>Your plan: pro</p>",
      text: "HELLO <ADA & CO>\n\nYour plan: pro",
      title: null,
    });
  });

  it("falls back from a regional locale to its language, then to the default", async () => {
    const template = await createTemplate(tenant, { ...welcome, name: "locales" });
    const data = { user: { name: "Ada" }, plan: "pro" };
    expect(expectSuccessEnvelope(await render(tenant, template.id, { data, locale: "fr-CA" }))).toMatchObject({
      locale: "fr",
      subject: "Bienvenue, Ada",
    });
    expect(expectSuccessEnvelope(await render(tenant, template.id, { data, locale: "de" }))).toMatchObject({
      locale: "en",
      subject: "Welcome, Ada",
    });
  });

  it("names a variable the data does not give, and stops a runaway loop", async () => {
    const template = await createTemplate(tenant, { ...welcome, name: "strict" });
    const missing = await render(tenant, template.id, { data: { user: {}, plan: "pro" } });
    expectErrorEnvelope(missing, 400, "INVALID_INPUT");
    expect(detailPaths(missing)).toEqual(["data.user.name"]);

    const loop = await createTemplate(tenant, {
      name: "loop",
      channel: "sms",
      content: { text: "{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}" },
    });
    const limited = await render(tenant, loop.id, {});
    expectErrorEnvelope(limited, 400, "INVALID_INPUT");
    expect(detailPaths(limited)).toEqual(["template.text"]);
    expect(limited.body.error.message).toMatch(/limit exceeded/);
  });

  it("cannot reach other templates or files from a template", async () => {
    const template = await createTemplate(tenant, { name: "include", channel: "sms", content: { text: "{% include 'welcome' %}" } });
    const answer = await render(tenant, template.id, {});
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    expect(detailPaths(answer)).toEqual(["template.text"]);
  });

  it("needs admin to write and read to preview; ops keys read but do not write", async () => {
    const template = await createTemplate(tenant, { ...welcome, name: "scopes" });
    expectErrorEnvelope(await call("POST", "/v1/templates", { key: tenant.sendKey, body: { ...welcome, name: "x" } }), 403, "FORBIDDEN");
    expectErrorEnvelope(
      await call("PATCH", `/v1/templates/${template.id}`, { key: tenant.readKey, body: { name: "y" } }),
      403,
      "FORBIDDEN",
    );
    const ops = await createOpsKey();
    expectSuccessEnvelope(await call("GET", `/v1/templates/${template.id}`, { key: ops }));
    expectErrorEnvelope(await call("POST", "/v1/templates", { key: ops, body: { ...welcome, name: "ops" } }), 403, "FORBIDDEN");
  });

  it("deletes a template with its versions", async () => {
    const template = await createTemplate(tenant, { ...welcome, name: "deleted" });
    expectSuccessEnvelope(await call("DELETE", `/v1/templates/${template.id}`, { key: tenant.adminKey }));
    expectErrorEnvelope(await call("GET", `/v1/templates/${template.id}`, { key: tenant.readKey }), 404, "NOT_FOUND");
    expect(await countRows("template_versions", "template_id = ?", template.id)).toBe(0);
  });
});

describe("another tenant's template", () => {
  it("looks exactly like a missing one, for every route and for sending", async () => {
    const ops = await createOpsKey();
    const owner = await createTenant(ops, "Owner");
    const other = await createTenant(ops, "Other");
    const template = await createTemplate(owner);
    const routes: [string, string, unknown?][] = [
      ["GET", `/v1/templates/${template.id}`],
      ["PATCH", `/v1/templates/${template.id}`, { name: "stolen" }],
      ["DELETE", `/v1/templates/${template.id}`],
      ["GET", `/v1/templates/${template.id}/versions`],
      ["POST", `/v1/templates/${template.id}/render`, { data: {} }],
    ];
    for (const [method, path, body] of routes)
      expectErrorEnvelope(await call(method, path, { key: other.adminKey, body }), 404, "NOT_FOUND");
    const list = expectSuccessEnvelope(await call<{ items: Template[] }>("GET", "/v1/templates", { key: other.adminKey }));
    expect(list.items).toEqual([]);
    const send = await call("POST", "/v1/messages", {
      key: other.sendKey,
      body: { channel: "email", to: "ada@example.com", template: { id: template.id, data: { user: { name: "A" }, plan: "p" } } },
    });
    expectErrorEnvelope(send, 400, "INVALID_INPUT");
    expect(detailPaths(send)).toEqual(["template.id"]);
    expect(expectSuccessEnvelope(await call<Template>("GET", `/v1/templates/${template.id}`, { key: owner.readKey })).name).toBe("welcome");
  });
});

describe("sending by template", () => {
  let tenant: TenantFixture;
  let template: Template;
  const data = { user: { name: "Ada" }, plan: "pro" };
  beforeAll(async () => {
    tenant = await freshTenant();
    template = await createTemplate(tenant);
  });

  const byTemplate = (reference: Record<string, unknown>) => ({ channel: "email", to: "ada@example.com", template: reference });

  it("stores what the preview shows, with the template and its version", async () => {
    const preview = expectSuccessEnvelope(await render(tenant, template.id, { data, locale: "fr" }));
    const sent = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      body: byTemplate({ id: template.id, data, locale: "fr" }),
    });
    const message = expectSuccessEnvelope(sent, 202);
    expect(message).toMatchObject({
      subject: preview.subject,
      content: { html: preview.html, text: preview.text },
      templateId: template.id,
      templateVersion: 1,
    });
    const events = expectSuccessEnvelope(
      await call<{ events: { reason: string }[] }>("GET", `/v1/messages/${message.id}`, { key: tenant.readKey }),
    );
    expect(events.events[0].reason).toBe(`accepted; rendered from ${template.id} version 1 (fr)`);
  });

  it("keeps accepted messages as they were when the template changes", async () => {
    const own = await createTemplate(tenant, { name: "changing", channel: "sms", content: { text: "Code {{ code }}" } });
    const before = expectSuccessEnvelope(
      await call<Message>("POST", "/v1/messages", {
        key: tenant.sendKey,
        body: sms({ content: undefined, template: { id: own.id, data: { code: 1 } } }),
      }),
      202,
    );
    expectSuccessEnvelope(
      await call("PATCH", `/v1/templates/${own.id}`, { key: tenant.adminKey, body: { content: { text: "New code {{ code }}" } } }),
    );
    const after = expectSuccessEnvelope(
      await call<Message>("POST", "/v1/messages", {
        key: tenant.sendKey,
        body: sms({ content: undefined, template: { id: own.id, data: { code: 2 } } }),
      }),
      202,
    );
    const pinned = expectSuccessEnvelope(
      await call<Message>("POST", "/v1/messages", {
        key: tenant.sendKey,
        body: sms({ content: undefined, template: { id: own.id, data: { code: 3 }, version: 1 } }),
      }),
      202,
    );
    const reread = expectSuccessEnvelope(await call<Message>("GET", `/v1/messages/${before.id}`, { key: tenant.readKey }));
    expect([reread.content.text, reread.templateVersion]).toEqual(["Code 1", 1]);
    expect([after.content.text, after.templateVersion]).toEqual(["New code 2", 2]);
    expect([pinned.content.text, pinned.templateVersion]).toEqual(["Code 3", 1]);
  });

  it("is a 400 naming the missing variable, and stores nothing", async () => {
    const before = await countRows("messages", "tenant_id = ?", tenant.tenantId);
    const answer = await call("POST", "/v1/messages", { key: tenant.sendKey, body: byTemplate({ id: template.id, data: { user: {} } }) });
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    expect(detailPaths(answer)).toEqual(["template.data.user.name"]);
    expect(answer.body.error.message).toContain("user.name");
    expect(await countRows("messages", "tenant_id = ?", tenant.tenantId)).toBe(before);
  });

  it("refuses an SMS longer than 1,600 characters once rendered", async () => {
    const long = await createTemplate(tenant, { name: "long", channel: "sms", content: { text: "{{ body }}{{ body }}" } });
    const answer = await call("POST", "/v1/messages", {
      key: tenant.sendKey,
      body: sms({ content: undefined, template: { id: long.id, data: { body: "x".repeat(900) } } }),
    });
    expectErrorEnvelope(answer, 400, "INVALID_INPUT");
    expect(detailPaths(answer)).toEqual(["template"]);
    expect(answer.body.error.details?.[0].message).toContain("1800 characters");
  });

  it("refuses content and template together, neither, a subject beside a template, and another channel's template", async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [email({ template: { id: template.id, data } }), ["subject", "template"]],
      [{ channel: "email", to: "ada@example.com", subject: "Hi" }, ["content"]],
      [{ ...byTemplate({ id: template.id, data }), subject: "Mine" }, ["subject"]],
      [sms({ content: undefined, template: { id: template.id, data } }), ["template.id"]],
      [byTemplate({ id: template.id, data, version: 5 }), ["template.version"]],
    ];
    for (const [body, paths] of cases) {
      const answer = await call("POST", "/v1/messages", { key: tenant.sendKey, body });
      expectErrorEnvelope(answer, 400, "INVALID_INPUT");
      expect(detailPaths(answer).sort(), JSON.stringify(body)).toEqual(paths);
    }
  });

  it("renders each message of a batch, naming every bad index", async () => {
    const good = expectSuccessEnvelope(
      await call<{ items: Message[] }>("POST", "/v1/messages/batch", {
        key: tenant.sendKey,
        body: {
          messages: [
            byTemplate({ id: template.id, data: { user: { name: "One" }, plan: "a" } }),
            byTemplate({ id: template.id, data: { user: { name: "Two" }, plan: "b" }, locale: "fr" }),
            email(),
          ],
        },
      }),
      202,
    );
    expect(good.items.map((item) => item.subject)).toEqual(["Welcome, One", "Bienvenue, Two", "Welcome"]);
    const bad = await call("POST", "/v1/messages/batch", {
      key: tenant.sendKey,
      body: {
        messages: [
          byTemplate({ id: template.id, data }),
          byTemplate({ id: template.id, data: { plan: "x" } }),
          byTemplate({ id: "tpl_nope" }),
        ],
      },
    });
    expectErrorEnvelope(bad, 400, "INVALID_INPUT");
    expect(detailPaths(bad)).toEqual(["messages.1.template.data.user", "messages.2.template.id"]);
  });

  it("fingerprints the template, version and data for idempotency", async () => {
    const key = `tpl-${crypto.randomUUID()}`;
    const headers = { "idempotency-key": key };
    const first = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      headers,
      body: byTemplate({ id: template.id, data }),
    });
    const replay = await call<Message>("POST", "/v1/messages", {
      key: tenant.sendKey,
      headers,
      body: byTemplate({ id: template.id, data }),
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(expectSuccessEnvelope(replay, 202).id).toBe(expectSuccessEnvelope(first, 202).id);
    const otherData = { ...data, plan: "enterprise" };
    for (const body of [byTemplate({ id: template.id, data: otherData }), byTemplate({ id: template.id, data, version: 1 })])
      expectErrorEnvelope(await call("POST", "/v1/messages", { key: tenant.sendKey, headers, body }), 422, "IDEMPOTENCY_MISMATCH");
  });
});

function countTemplates(tenantId: string, names: string[]): Promise<number> {
  return countRows("templates", `tenant_id = ? AND name IN (${names.map(() => "?").join(",")})`, tenantId, ...names);
}
