import { describe, expect, it } from "vitest";
import { call, countRows, createOpsKey, createTenant } from "../support/api";
import { ORIGIN, signedInBrowser } from "../support/dashboard-browser";

const origin = { origin: ORIGIN };

describe("dashboard templates", () => {
  it("creates a template, previews unsaved edits, saves versions and shows their diff", async () => {
    const tenant = await createTenant(await createOpsKey());
    const browser = await signedInBrowser(tenant.adminKey);
    const newPage = await browser.get("/dashboard/templates/new?channel=email");
    expect(newPage.html).toContain('name="subject"');
    expect(newPage.html).not.toContain('name="title"');
    const created = await browser.post(
      "/dashboard/templates",
      {
        _csrf: await browser.token("/dashboard/templates/new?channel=email"),
        channel: "email",
        name: "welcome",
        defaultLocale: "en",
        subject: "Hi {{ name }}",
        html: "<p>Hello {{ name }}</p>",
        text: "",
        locales: "",
      },
      origin,
    );
    expect(created.status, created.html.slice(0, 800)).toBe(303);
    const path = (created.location ?? "").split("?")[0];
    expect(path).toMatch(/^\/dashboard\/templates\/tpl_/);
    const id = path.split("/").at(-1) ?? "";

    const page = await browser.get(created.location ?? "");
    expect(page.html).toContain("The template was created as version 1.");
    const csrf = await browser.token(path);
    const edited = { _csrf: csrf, subject: "Hi {{ name }}!", html: "<p>Hello {{ name }}, welcome</p>", text: "", locales: "", locale: "" };
    const preview = await browser.post(`${path}/preview`, { ...edited, data: '{"name": "<Ada>"}' }, origin);
    expect(preview.status).toBe(200);
    expect(preview.html).toContain("Preview (en)");
    // The HTML part is escaped by the template, then again by the page that shows its source.
    expect(preview.html).toContain("&lt;p&gt;Hello &amp;lt;Ada&amp;gt;, welcome&lt;/p&gt;");
    expect(preview.html).toContain("Hi &lt;Ada&gt;!");
    const api = await call<{ version: number }>("GET", `/v1/templates/${id}`, { key: tenant.readKey });
    expect(api.body.data.version).toBe(1);

    const missing = await browser.post(`${path}/preview`, { ...edited, data: "{}" }, origin);
    expect(missing.html).toContain("data.name");

    const saved = await browser.post(`${path}/versions`, { ...edited, data: "{}" }, origin);
    expect(saved.status, saved.html.slice(0, 800)).toBe(303);
    const after = await call<{ version: number; content: { subject: string } }>("GET", `/v1/templates/${id}`, { key: tenant.readKey });
    expect([after.body.data.version, after.body.data.content.subject]).toEqual([2, "Hi {{ name }}!"]);

    const invalid = await browser.post(`${path}/versions`, { ...edited, html: "<p>{% if %}</p>" }, origin);
    expect(invalid.status).toBe(400);
    expect(invalid.html).toContain("Nothing was saved");
    expect(await countRows("template_versions", "template_id = ?", id)).toBe(2);

    const diff = await browser.get(`${path}/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.html).toContain("<del>- Hi {{ name }}\n</del>");
    expect(diff.html).toContain("<ins>+ Hi {{ name }}!\n</ins>");

    const list = await browser.get("/dashboard/templates");
    expect(list.html).toContain(`href="/dashboard/templates/${id}"`);

    const refused = await browser.post(`${path}/delete`, { _csrf: csrf }, origin);
    expect(refused.status).toBe(400);
    const deleted = await browser.post(`${path}/delete`, { _csrf: csrf, confirm: "yes" }, origin);
    expect(deleted.status).toBe(303);
    expect(await countRows("templates", "id = ?", id)).toBe(0);
  });

  it("shows another tenant's template as missing", async () => {
    const ops = await createOpsKey();
    const owner = await createTenant(ops, "Owner");
    const other = await createTenant(ops, "Other");
    const template = await call<{ id: string }>("POST", "/v1/templates", {
      key: owner.adminKey,
      body: { name: "mine", channel: "sms", content: { text: "Hi" } },
    });
    const browser = await signedInBrowser(other.adminKey);
    expect((await browser.get(`/dashboard/templates/${template.body.data.id}`)).status).toBe(404);
    expect((await browser.get(`/dashboard/templates/${template.body.data.id}/diff?from=1&to=1`)).status).toBe(404);
    expect((await browser.get("/dashboard/templates")).html).not.toContain(template.body.data.id);
  });
});
