import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1 } from "../support/d1-counter";
import { addProvider, batchOf, consume, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

async function roundTripsFor(batchSize: number, failover: boolean) {
  const tenantId = await newTenant();
  if (failover) await addProvider({ tenantId, priority: 0, config: { fail: "transient" } });
  await addProvider({ tenantId, priority: 1 });
  const rows = [];
  for (let i = 0; i < batchSize; i++) rows.push(await queuedMessage(tenantId));
  const { db, counter } = countingD1(env.DB);
  await consume(batchOf(rows), { ...env, DB: db });
  for (const row of [rows[0], rows[batchSize - 1]]) expect((await messageRow(row.id)).status).toBe("sent");
  expect(await eventsOf(rows[0].id)).toHaveLength(failover ? 3 : 2);
  return counter.roundTrips;
}

describe("D1 round trips per queue batch", () => {
  it("stay constant from 1 to 100 messages", async () => {
    const one = await roundTripsFor(1, false);
    const hundred = await roundTripsFor(100, false);
    expect(one).toBe(2);
    expect(hundred).toBe(one);
  });

  it("stay constant with failover too", async () => {
    const ten = await roundTripsFor(10, true);
    const hundred = await roundTripsFor(100, true);
    expect(hundred).toBe(ten);
    expect(hundred).toBe(2);
  });
});

describe("D1 rows written per delivered message", () => {
  it("are the claim, the outcome and two events, with their index entries — the same at any batch size", async () => {
    const written = async (size: number) => {
      const tenantId = await newTenant();
      await addProvider({ tenantId });
      const rows = [];
      for (let i = 0; i < size; i++) rows.push(await queuedMessage(tenantId));
      const { db, counter } = countingD1(env.DB);
      await consume(batchOf(rows), { ...env, DB: db });
      return counter.rowsWritten / size;
    };
    const perMessage = await written(100);
    expect(await written(10)).toBe(perMessage);
    // D1 counts index entries as rows: the claim (the row; its status index entry moves) + the
    // sent update (the row; status and provider-message-id index entries) + the `sending` and
    // `sent` events (row, primary key, message index each).
    expect(perMessage).toBe(11);
  });
});

describe("D1 statements per queue batch", () => {
  it("one per message (its outcome) beyond a fixed few: a batch's attempt events are one statement", async () => {
    const statementsFor = async (size: number) => {
      const tenantId = await newTenant();
      await addProvider({ tenantId });
      const rows = [];
      for (let i = 0; i < size; i++) rows.push(await queuedMessage(tenantId));
      const { db, counter } = countingD1(env.DB);
      await consume(batchOf(rows), { ...env, DB: db });
      expect(await eventsOf(rows[size - 1].id)).toHaveLength(2);
      return counter.statements;
    };
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(hundred - ten).toBe(90);
    expect(hundred).toBeLessThanOrEqual(110);
  });
});
