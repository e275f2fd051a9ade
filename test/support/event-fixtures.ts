import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { keyringFromEnv } from "../../shared/crypto/credential-cipher";
import { messageEvents, webhookEndpoints } from "../../shared/db/schema";
import type { MessageStatus } from "../../shared/domain/enums";
import { newId } from "../../shared/domain/ids";
import { newSigningSecret, sealSecrets } from "../../shared/events/endpoint-secrets";
import type { EventType } from "../../shared/events/event-types";
import { startCursor } from "../../shared/events/message-events-cursor";
import type { EventDeliveryJob } from "../../shared/queue/event-delivery-job";
import { db } from "./d1-fixtures";

export type EndpointFixture = { id: string; secret: string };

/** An endpoint sealed and stored as the API stores one (which also starts the fan-out's cursor). */
export async function insertEndpoint(
  tenantId: string,
  url: string,
  options: { eventTypes?: EventType[]; enabled?: boolean; createdAt?: string } = {},
): Promise<EndpointFixture> {
  const id = newId("webhookEndpoint");
  const secret = newSigningSecret();
  const now = options.createdAt ?? new Date().toISOString();
  await db().batch([
    db()
      .insert(webhookEndpoints)
      .values({
        id,
        tenantId,
        url,
        eventTypes: options.eventTypes ?? [],
        enabled: options.enabled ?? true,
        ...(await sealSecrets(keyringFromEnv(env), id, { current: secret })),
        createdAt: now,
        updatedAt: now,
      }),
    startCursor(db(), now),
  ]);
  return { id, secret };
}

/** A timeline row as a worker writes one. */
export async function insertEvent(messageId: string, status: MessageStatus, reason: string, occurredAt = new Date().toISOString()) {
  const id = newId("event");
  await db().insert(messageEvents).values({ id, messageId, status, reason, source: "internal", occurredAt });
  return id;
}

/** A queue that keeps what it is given, so a test sees the jobs and nothing consumes them behind its back. */
export function spyEventsQueue() {
  const jobs: { body: EventDeliveryJob; delaySeconds?: number }[] = [];
  const queue = {
    send: async (body: EventDeliveryJob, options?: { delaySeconds?: number }) => {
      jobs.push({ body, delaySeconds: options?.delaySeconds });
    },
    sendBatch: async (batch: Iterable<{ body: EventDeliveryJob; delaySeconds?: number }>) => {
      for (const item of batch) jobs.push({ body: item.body, delaySeconds: item.delaySeconds });
    },
  } as unknown as Queue<EventDeliveryJob>;
  return { queue, jobs };
}

let sequence = 0;
export function eventBatch(jobs: EventDeliveryJob[], queue = "events") {
  return createMessageBatch<EventDeliveryJob>(
    queue,
    jobs.map((body) => ({ id: `ev-${++sequence}`, timestamp: new Date(), attempts: 1, body })),
  );
}
