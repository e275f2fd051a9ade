import type { Database } from "../../../shared/db/database";
import { tenantEvents, type WebhookEndpointRow, webhookAttempts, webhookDeliveries } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { openSecrets, signingSecrets } from "../../../shared/events/endpoint-secrets";
import { TEST_EVENT_TYPE } from "../../../shared/events/event-types";
import { postEvent } from "../../../shared/events/post-event";
import type { EndpointRules } from "./webhook-endpoints";

/** The test waits no longer than a delivery would. */
const TEST_TIMEOUT_MS = 10_000;

/**
 * Posts a signed `webhook.test` event to the endpoint now (enabled or not, whatever it
 * subscribes to) and answers with what the endpoint did; the attempt is logged like any other.
 */
export async function testEndpoint(db: Database, rules: EndpointRules, endpoint: WebhookEndpointRow) {
  const now = new Date();
  const eventId = newId("event");
  const body = JSON.stringify({
    id: eventId,
    type: TEST_EVENT_TYPE,
    timestamp: now.toISOString(),
    data: { endpointId: endpoint.id, message: "A test event from Relay: the endpoint and its secret work." },
  });
  const secrets = signingSecrets(await openSecrets(rules.keyring, endpoint), now);
  const result = await postEvent({ url: endpoint.url, eventId, body, secrets }, rules.outbound, TEST_TIMEOUT_MS);
  const deliveryId = newId("webhookDelivery");
  const at = new Date().toISOString();
  await db.batch([
    db
      .insert(tenantEvents)
      .values({ id: eventId, tenantId: endpoint.tenantId, type: TEST_EVENT_TYPE, payload: body, occurredAt: now.toISOString() }),
    db.insert(webhookDeliveries).values({
      id: deliveryId,
      endpointId: endpoint.id,
      eventId,
      state: result.ok ? "succeeded" : "failed",
      attempts: 1,
      nextAttemptAt: at,
      lastError: result.error,
      createdAt: at,
      updatedAt: at,
    }),
    db.insert(webhookAttempts).values({
      id: newId("webhookAttempt"),
      endpointId: endpoint.id,
      deliveryId,
      eventId,
      eventType: TEST_EVENT_TYPE,
      attempt: 1,
      ...result,
      attemptedAt: at,
    }),
  ]);
  return { eventId, deliveryId, ...result };
}
