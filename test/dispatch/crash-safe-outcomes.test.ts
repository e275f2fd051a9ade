import { env } from "cloudflare:workers";
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../shared/db/schema";
import { countingD1 } from "../support/d1-counter";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

/** A tenant whose one SMS provider takes `latencyMs` per send, and `count` queued messages for it. */
async function slowTenant(count: number, latencyMs: number) {
  const tenantId = await newTenant();
  const provider = await addProvider({ tenantId, config: { latencyMs } });
  const rows = [];
  for (let i = 0; i < count; i++) rows.push(await queuedMessage(tenantId, { content: { text: `m${i}` } }));
  return { provider, rows };
}

async function statusesOf(ids: string[]) {
  const rows = await db().select({ id: messages.id, status: messages.status }).from(messages).where(inArray(messages.id, ids));
  return rows.map((row) => row.status);
}

/** A D1 binding whose `batch()` calls fail once `allowed` of them have gone through: D1 lost mid-batch. */
function d1FailingAfter(allowed: number): D1Database {
  let batches = 0;
  return new Proxy(env.DB, {
    get(target, property) {
      if (property === "batch")
        return (statements: D1PreparedStatement[]) => {
          batches++;
          return batches > allowed ? Promise.reject(new Error("D1 went away")) : target.batch(statements);
        };
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("outcomes recorded as sends complete", () => {
  it("a sent message is in D1 while the rest of its batch is still sending", async () => {
    // 30 sends of 300 ms, 10 at a time: three rounds, the batch takes about 900 ms.
    const { rows } = await slowTenant(30, 300);
    const ids = rows.map((row) => row.id);
    let finished = false;
    const consuming = consume(batchOf(rows), { ...env, OUTCOME_FLUSH_MS: "50" }).then(() => {
      finished = true;
    });

    let sentMidBatch = 0;
    while (!finished && sentMidBatch === 0) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (!finished) sentMidBatch = (await statusesOf(ids)).filter((status) => status === "sent").length;
    }
    await consuming;

    expect(sentMidBatch).toBeGreaterThan(0);
    expect(sentMidBatch).toBeLessThan(30);
    expect(await statusesOf(ids)).toEqual(Array(30).fill("sent"));
    for (const id of [ids[0], ids[29]]) expect((await eventsOf(id)).map((e) => e.status)).toEqual(["sending", "sent"]);
  });

  it("D1 lost before the batch's last write: outcomes written early stay, only the others go again", async () => {
    // Two rounds of 10 sends, 200 ms each: round one is written early, round two only at the end.
    const { rows } = await slowTenant(20, 200);
    const ids = rows.map((row) => row.id);
    const firstRun = consume(batchOf(rows), { ...env, DB: d1FailingAfter(2), OUTCOME_FLUSH_MS: "30" });
    await expect(firstRun).rejects.toThrow("D1 went away");

    const afterCrash = await db().select().from(messages).where(inArray(messages.id, ids));
    const recorded = afterCrash.filter((row) => row.status === "sent").map((row) => row.id);
    const unrecorded = afterCrash.filter((row) => row.status === "sending").map((row) => row.id);
    expect(recorded).toHaveLength(10);
    expect(unrecorded).toHaveLength(10);

    // The lost worker's leases lapse; the queue redelivers the whole batch.
    await db()
      .update(messages)
      .set({ leaseExpiresAt: new Date(Date.now() - 1_000).toISOString() })
      .where(inArray(messages.id, unrecorded));
    await consume(batchOf(rows, "delivery", 2));

    for (const id of recorded) {
      expect(await messageRow(id)).toMatchObject({ status: "sent", attempts: 1 });
      expect((await eventsOf(id)).filter((e) => e.status === "sent")).toHaveLength(1);
    }
    for (const id of unrecorded) expect(await messageRow(id)).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("a batch that finishes within one interval still costs two round trips; a slow one at most one more per interval", async () => {
    const fast = await slowTenant(40, 0);
    const fastMeter = countingD1(env.DB);
    await consume(batchOf(fast.rows), { ...env, DB: fastMeter.db, OUTCOME_FLUSH_MS: "250" });
    expect(fastMeter.counter.roundTrips).toBe(2);

    const slow = await slowTenant(40, 150);
    const slowMeter = countingD1(env.DB);
    const started = Date.now();
    await consume(batchOf(slow.rows), { ...env, DB: slowMeter.db, OUTCOME_FLUSH_MS: "100" });
    const elapsed = Date.now() - started;
    expect(await statusesOf(slow.rows.map((row) => row.id))).toEqual(Array(40).fill("sent"));
    expect(slowMeter.counter.roundTrips).toBeGreaterThan(2);
    expect(slowMeter.counter.roundTrips).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 100));
  });
});
