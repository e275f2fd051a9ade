import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { countRows, createOpsKey, createTenant } from "../support/api";
import { signedInBrowser } from "../support/dashboard-browser";
import { eventReceiver } from "../support/event-receiver";

const secretIn = (html: string) => /<code class="secret">(whsec_[^<]+)<\/code>/.exec(html)?.[1];
const endpointIdIn = (html: string) => /<code>(wep_[A-Za-z0-9]+)<\/code>/.exec(html)?.[1];

describe("dashboard webhook endpoints", () => {
  it("adds an endpoint showing its secret once, sends a test event it verifies, disables and deletes it", async () => {
    const tenant = await createTenant(await createOpsKey(), "Hooks");
    const receiver = await eventReceiver([200]);
    const browser = await signedInBrowser(tenant.adminKey);
    const list = await browser.get("/dashboard/webhooks");
    expect(list.status).toBe(200);
    expect(list.html).toContain("Add an endpoint");

    const added = await browser.post("/dashboard/webhooks", {
      _csrf: await browser.token("/dashboard/webhooks"),
      url: receiver.url,
      description: "orders service",
      eventTypes: ["message.sent", "message.failed"],
    });
    expect(added.status, added.html.slice(0, 500)).toBe(200);
    const secret = secretIn(added.html);
    const id = endpointIdIn(added.html);
    expect(secret).toMatch(/^whsec_/);
    expect(id).toMatch(/^wep_/);
    expect(added.html).toContain("message.sent, message.failed");

    const again = await browser.get(`/dashboard/webhooks/${id}`);
    expect(secretIn(again.html)).toBeUndefined();
    expect(again.html).not.toContain((secret as string).slice(6));
    expect(again.html).toContain(`whsec_…${(secret as string).slice(-4)}`);

    const tested = await browser.post(`/dashboard/webhooks/${id}/test`, { _csrf: await browser.token(`/dashboard/webhooks/${id}`) });
    expect(tested.html).toContain("Test event delivered: the endpoint answered 200");
    const [request] = await receiver.requests();
    expect(new Webhook(secret as string).verify(request.body, request.headers)).toMatchObject({ type: "webhook.test" });
    expect(tested.html).toContain("webhook.test");

    const disabled = await browser.post(`/dashboard/webhooks/${id}/enabled`, { _csrf: await browser.token(), enabled: "false" });
    expect(disabled.status).toBe(303);
    expect((await browser.get(disabled.location as string)).html).toContain("Disabled: disabled by a user");

    const unconfirmed = await browser.post(`/dashboard/webhooks/${id}/delete`, { _csrf: await browser.token() });
    expect(unconfirmed.status).toBe(400);
    const deleted = await browser.post(`/dashboard/webhooks/${id}/delete`, { _csrf: await browser.token(), confirm: "yes" });
    expect(deleted.status).toBe(303);
    expect(await countRows("webhook_endpoints", "id = ?", id)).toBe(0);
  });

  it("refuses a URL the outbound policy refuses, naming it, and adds nothing", async () => {
    const tenant = await createTenant(await createOpsKey(), "Hooks");
    const browser = await signedInBrowser(tenant.adminKey);
    const answer = await browser.post("/dashboard/webhooks", {
      _csrf: await browser.token("/dashboard/webhooks"),
      url: "https://10.1.2.3/x",
    });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain("The endpoint was not added");
    expect(await countRows("webhook_endpoints", "tenant_id = ?", tenant.tenantId)).toBe(0);
  });

  it("shows another tenant's endpoint as not found and changes nothing of it", async () => {
    const opsKey = await createOpsKey();
    const mine = await createTenant(opsKey, "Mine");
    const other = await createTenant(opsKey, "Other");
    const theirs = await signedInBrowser(other.adminKey);
    const added = await theirs.post("/dashboard/webhooks", {
      _csrf: await theirs.token("/dashboard/webhooks"),
      url: "https://hooks.example.com/x",
    });
    const id = endpointIdIn(added.html) as string;
    const browser = await signedInBrowser(mine.adminKey);
    expect((await browser.get(`/dashboard/webhooks/${id}`)).status).toBe(404);
    expect((await browser.get("/dashboard/webhooks")).html).not.toContain(id);
    const answer = await browser.post(`/dashboard/webhooks/${id}/enabled`, { _csrf: await browser.token(), enabled: "false" });
    expect(answer.status).toBe(404);
    expect(await countRows("webhook_endpoints", "id = ? AND enabled = 1", id)).toBe(1);
  });
});
