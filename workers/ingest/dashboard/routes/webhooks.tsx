import { Hono } from "hono";
import { createWebhookEndpointSchema, replaySinceSchema, updateWebhookEndpointSchema } from "../../../../shared/domain/webhook-endpoint";
import { zodDetails } from "../../../../shared/http/envelope";
import { InvalidInputError } from "../../../../shared/http/errors";
import { isOps } from "../../principal";
import { listTenants } from "../../services/tenants";
import { listAttempts } from "../../services/webhook-attempts";
import {
  createEndpoint,
  deleteEndpoint,
  endpointRulesFrom,
  endpointView,
  findEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from "../../services/webhook-endpoints";
import { replayDelivery, replaySince } from "../../services/webhook-replay";
import { testEndpoint } from "../../services/webhook-test";
import { BASE, type DashboardBindings, type DashboardContext, signedIn } from "../context";
import { type Form, field, fields, formOf, requireConfirmation } from "../form";
import { doneNotice, withDone } from "../notices";
import { type TestOutcome, WebhookPage } from "../pages/webhook";
import { WebhooksPage } from "../pages/webhooks";
import { render } from "../render";

const PAGE = { limit: 100, offset: 0 };

async function tenantsFor(c: DashboardContext) {
  return isOps(signedIn(c).principal) ? listTenants(c.get("db")) : [];
}

function createInput(c: DashboardContext, form: Form) {
  const description = field(form, "description")?.trim();
  return {
    url: field(form, "url") ?? "",
    description: description || undefined,
    eventTypes: fields(form, "eventTypes"),
    tenantId: isOps(signedIn(c).principal) ? field(form, "tenantId") || undefined : undefined,
  };
}

async function endpointPage(c: DashboardContext, id: string, extra: { secret?: string; test?: TestOutcome; done?: string } = {}) {
  const viewer = signedIn(c);
  const endpoint = await findEndpoint(c.get("db"), viewer.principal, id);
  const attempts = await listAttempts(c.get("db"), endpoint.id, { limit: 50 });
  return render(c, <WebhookPage viewer={viewer} endpoint={endpointView(endpoint)} attempts={attempts.items} {...extra} />);
}

/** A `datetime-local` value is read as UTC. */
function sinceFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const withSeconds = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00` : value;
  return /Z$|[+-]\d{2}:\d{2}$/.test(withSeconds) ? withSeconds : `${withSeconds}Z`;
}

/** The dashboard's webhook endpoints: the same schemas and services as /v1/webhook-endpoints. */
export const webhookRoutes = new Hono<DashboardBindings>()
  .get("/webhooks", async (c) => {
    const viewer = signedIn(c);
    const tenantId = isOps(viewer.principal) ? null : viewer.principal.tenantId;
    const [endpoints, tenants] = await Promise.all([listEndpoints(c.get("db"), tenantId, PAGE), tenantsFor(c)]);
    return render(c, <WebhooksPage viewer={viewer} endpoints={endpoints} tenants={tenants} done={doneNotice(c.req.query("done"))} />);
  })
  .post("/webhooks", async (c) => {
    const viewer = signedIn(c);
    const form = await formOf(c);
    const raw = createInput(c, form);
    const failed = async (error: string, details?: InvalidInputError["details"]) => {
      const tenantId = isOps(viewer.principal) ? null : viewer.principal.tenantId;
      const values = {
        url: raw.url,
        description: raw.description ?? "",
        tenantId: raw.tenantId ?? "",
        eventTypes: raw.eventTypes.join(","),
      };
      const [endpoints, tenants] = await Promise.all([listEndpoints(c.get("db"), tenantId, PAGE), tenantsFor(c)]);
      return render(
        c,
        <WebhooksPage viewer={viewer} endpoints={endpoints} tenants={tenants} values={values} error={error} details={details} />,
        400,
      );
    };
    const input = createWebhookEndpointSchema.safeParse(raw);
    if (!input.success) return failed("The endpoint was not added. Check the fields marked below.", zodDetails(input.error));
    try {
      const created = await createEndpoint(c.get("db"), endpointRulesFrom(c.env), viewer.principal, input.data);
      // Rendered, not redirected: the secret must not travel in a URL or be shown twice.
      return endpointPage(c, created.id, { secret: created.secret, done: doneNotice("webhook-created") });
    } catch (error) {
      if (error instanceof InvalidInputError) return failed(`The endpoint was not added. ${error.message}.`, error.details);
      throw error;
    }
  })
  .get("/webhooks/:id", (c) => endpointPage(c, c.req.param("id"), { done: doneNotice(c.req.query("done")) }))
  .post("/webhooks/:id/test", async (c) => {
    const endpoint = await findEndpoint(c.get("db"), signedIn(c).principal, c.req.param("id"));
    const test = await testEndpoint(c.get("db"), endpointRulesFrom(c.env), endpoint);
    return endpointPage(c, endpoint.id, { test });
  })
  .post("/webhooks/:id/enabled", async (c) => {
    const enabled = field(await formOf(c), "enabled") === "true";
    const input = updateWebhookEndpointSchema.parse({ enabled });
    const endpoint = await updateEndpoint(c.get("db"), endpointRulesFrom(c.env), signedIn(c).principal, c.req.param("id"), input);
    return c.redirect(withDone(`${BASE}/webhooks/${endpoint.id}`, enabled ? "webhook-enabled" : "webhook-disabled"), 303);
  })
  .post("/webhooks/:id/replay", async (c) => {
    const input = replaySinceSchema.safeParse({ since: sinceFrom(field(await formOf(c), "since")) });
    if (!input.success) throw new InvalidInputError("Give the time to replay from", zodDetails(input.error));
    const endpoint = await findEndpoint(c.get("db"), signedIn(c).principal, c.req.param("id"));
    await replaySince(c.get("db"), c.env.EVENTS_QUEUE, endpoint, input.data.since);
    return c.redirect(withDone(`${BASE}/webhooks/${endpoint.id}`, "webhook-replayed"), 303);
  })
  .post("/webhooks/:id/deliveries/:deliveryId/replay", async (c) => {
    const endpoint = await findEndpoint(c.get("db"), signedIn(c).principal, c.req.param("id"));
    await replayDelivery(c.get("db"), c.env.EVENTS_QUEUE, endpoint, c.req.param("deliveryId"));
    return c.redirect(withDone(`${BASE}/webhooks/${endpoint.id}`, "webhook-replayed"), 303);
  })
  .post("/webhooks/:id/rotate-secret", async (c) => {
    requireConfirmation(await formOf(c));
    const rotated = await rotateSecret(c.get("db"), endpointRulesFrom(c.env), signedIn(c).principal, c.req.param("id"));
    return endpointPage(c, rotated.id, { secret: rotated.secret, done: doneNotice("webhook-rotated") });
  })
  .post("/webhooks/:id/delete", async (c) => {
    requireConfirmation(await formOf(c));
    await deleteEndpoint(c.get("db"), signedIn(c).principal, c.req.param("id"));
    return c.redirect(withDone(`${BASE}/webhooks`, "webhook-deleted"), 303);
  });
