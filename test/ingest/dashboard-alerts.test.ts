import { describe, expect, it } from "vitest";
import { countRows, createOpsKey, createTenant } from "../support/api";
import { signedInBrowser } from "../support/dashboard-browser";

const ruleIdIn = (location: string | null) => /\/dashboard\/alerts\/(alr_[A-Za-z0-9]+)/.exec(location ?? "")?.[1];

describe("dashboard alerts", () => {
  it("adds a rule, shows it by name, changes it, disables it and deletes it, each audited", async () => {
    const tenant = await createTenant(await createOpsKey(), "Alerting Ltd");
    const browser = await signedInBrowser(tenant.adminKey);
    const empty = await browser.get("/dashboard/alerts");
    expect(empty.status).toBe(200);
    expect(empty.html).toContain("No alert rules yet.");

    const added = await browser.post("/dashboard/alerts", {
      _csrf: await browser.token("/dashboard/alerts"),
      name: "DLQ filling",
      kind: "dead-letters",
      threshold: "5",
      windowMinutes: "30",
      providerId: "",
      minAttempts: "",
      "notify.channel": "sms",
      "notify.to": "+1 415 555 0100",
      cooldownMinutes: "",
    });
    expect(added.status, added.html.slice(0, 800)).toBe(303);
    const id = ruleIdIn(added.location);
    expect(id).toMatch(/^alr_/);
    const page = await browser.get(added.location as string);
    expect(page.html).toContain("The alert rule was added");
    expect(page.html).toContain("≥ 5 dead letters in 30 min");
    expect(page.html).toContain('value="+14155550100"');

    const changed = await browser.post(`/dashboard/alerts/${id}`, {
      _csrf: await browser.token(`/dashboard/alerts/${id}`),
      name: "DLQ filling",
      threshold: "8",
      windowMinutes: "30",
      providerId: "",
      minAttempts: "",
      "notify.channel": "email",
      "notify.to": "oncall@example.com",
      cooldownMinutes: "90",
    });
    expect(changed.status, changed.html.slice(0, 800)).toBe(303);
    const list = await browser.get("/dashboard/alerts");
    expect(list.html).toContain("≥ 8 dead letters in 30 min");
    expect(list.html).toContain("email: oncall@example.com");

    const disabled = await browser.post(`/dashboard/alerts/${id}/enabled`, { _csrf: await browser.token(), enabled: "false" });
    expect((await browser.get(disabled.location as string)).html).toContain("The alert rule is disabled");
    const unconfirmed = await browser.post(`/dashboard/alerts/${id}/delete`, { _csrf: await browser.token() });
    expect(unconfirmed.status).toBe(400);
    const deleted = await browser.post(`/dashboard/alerts/${id}/delete`, { _csrf: await browser.token(), confirm: "yes" });
    expect(deleted.status).toBe(303);
    expect(await countRows("alert_rules", "id = ?", id)).toBe(0);
    expect(await countRows("audit_log", "target = ? AND json_extract(details, '$.via') = 'dashboard'", id)).toBe(4);
  });

  it("marks the fields a rule gets wrong and adds nothing", async () => {
    const tenant = await createTenant(await createOpsKey(), "Alerting Ltd");
    const browser = await signedInBrowser(tenant.adminKey);
    const post = async (to: string) =>
      browser.post("/dashboard/alerts", {
        _csrf: await browser.token("/dashboard/alerts"),
        name: "bad",
        kind: "provider-failures",
        threshold: "120",
        windowMinutes: "60",
        providerId: "",
        "notify.channel": "email",
        "notify.to": to,
        cooldownMinutes: "60",
      });
    const invalid = (html: string) => [...html.matchAll(/id="([A-Za-z]+)"[^>]*aria-invalid="true"/g)].map((match) => match[1]);
    const badAddress = await post("nobody");
    expect(badAddress.status).toBe(400);
    expect(badAddress.html).toContain("The rule was not added");
    expect(invalid(badAddress.html)).toEqual(["notifyTo"]);
    expect(badAddress.html).toContain('value="nobody"');
    const badRule = await post("oncall@example.com");
    expect(badRule.status).toBe(400);
    expect(invalid(badRule.html).sort()).toEqual(["providerId", "threshold"]);
    expect(await countRows("alert_rules", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("shows another tenant's rule as not found", async () => {
    const ops = await createOpsKey();
    const owner = await createTenant(ops, "Owner");
    const other = await createTenant(ops, "Other");
    const browser = await signedInBrowser(owner.adminKey);
    const added = await browser.post("/dashboard/alerts", {
      _csrf: await browser.token("/dashboard/alerts"),
      name: "mine",
      kind: "dead-letters",
      threshold: "1",
      "notify.channel": "email",
      "notify.to": "me@example.com",
    });
    const id = ruleIdIn(added.location);
    const stranger = await signedInBrowser(other.adminKey);
    expect((await stranger.get(`/dashboard/alerts/${id}`)).status).toBe(404);
    const posted = await stranger.post(`/dashboard/alerts/${id}/enabled`, { _csrf: await stranger.token(), enabled: "false" });
    expect(posted.status).toBe(404);
    expect((await stranger.get("/dashboard/alerts")).html).not.toContain(id);

    const opsBrowser = await signedInBrowser(ops);
    expect((await opsBrowser.get("/dashboard/alerts")).html).toContain("<td>Owner</td>");
  });
});
