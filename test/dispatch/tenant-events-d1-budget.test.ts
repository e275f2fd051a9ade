import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fanOutEvents } from "../../workers/dispatch/tenant-events/fan-out";
import { countingD1 } from "../support/d1-counter";
import { newTenant, queuedMessage } from "../support/dispatch-fixtures";
import { insertEndpoint, insertEvent, spyEventsQueue } from "../support/event-fixtures";

/** The D1 work of the event-webhook fan-out (README, Performance: "D1 work per path"). */
describe("D1 budget of the event-webhook fan-out", () => {
  it("a hundred `sent` events to one endpoint: a few round trips in all; per event its tenant event and its delivery", async () => {
    const tenantId = await newTenant();
    await insertEndpoint(tenantId, "https://hooks.example.com/budget");
    // Starts the cursor (the first endpoint) and takes whatever came before.
    await fanOutEvents({ ...env, EVENTS_QUEUE: spyEventsQueue().queue });
    for (let i = 0; i < 100; i++) await insertEvent((await queuedMessage(tenantId, { status: "sent" })).id, "sent", "sent via system");

    const { db, counter } = countingD1(env.DB);
    const spy = spyEventsQueue();
    await fanOutEvents({ ...env, DB: db, EVENTS_QUEUE: spy.queue });

    expect(spy.jobs).toHaveLength(100);
    // Four reads (the cursor, the newest event, the endpoints, one round of the timeline with
    // its messages), then one batch: the tenant events and deliveries in chunks, and the cursor.
    // Each event costs 7 rows with index entries: its tenant event (row, primary key, tenant
    // index) and its delivery (row, primary key, endpoint and pending indexes); 1 for the cursor.
    expect(counter).toEqual({ roundTrips: 5, statements: 19, rowsWritten: 701 });
  });
});
