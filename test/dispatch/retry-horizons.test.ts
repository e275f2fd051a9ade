import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeliveryJob } from "../../shared/queue/delivery-job";
import { sweep } from "../../workers/dispatch/sweeper";
import { addProvider, batchOf, consume, db, eventsOf, messageRow, newTenant, queuedMessage } from "../support/dispatch-fixtures";

/** A queue that records what it is given, or refuses everything. */
function recordingQueue(refuse = false) {
  const sent: DeliveryJob[] = [];
  const queue = {
    send: async (body: DeliveryJob) => {
      if (refuse) throw new Error("queue down");
      sent.push(body);
    },
    sendBatch: async (batch: Iterable<{ body: DeliveryJob }>) => {
      if (refuse) throw new Error("queue down");
      for (const item of batch) sent.push(item.body);
    },
  } as unknown as Queue<DeliveryJob>;
  return { queue, sent };
}

async function failingMessage(channel: "webhook" | "sms") {
  const tenantId = await newTenant();
  await addProvider({ tenantId, channel, config: { fail: "transient" } });
  return queuedMessage(tenantId, { channel, recipient: channel === "sms" ? "+14155550100" : "orders-service" });
}

const HOUR_MS = 3_600_000;

/** The delay the last retry was given, as its event says ("…; retrying in 3264s"). */
async function retryDelayOf(messageId: string): Promise<number> {
  const reason = (await eventsOf(messageId)).at(-1)?.reason ?? "";
  return Number(/retrying in (\d+)s$/.exec(reason)?.[1] ?? Number.NaN);
}

describe("retry horizons per channel", () => {
  it("waits up to an hour between a webhook's later retries, and the sweeper leaves it waiting", async () => {
    const message = await failingMessage("webhook");
    const before = Date.now();
    const result = await consume(batchOf([message], "delivery", 8));
    expect(result.retryMessages).toHaveLength(1);
    const delay = await retryDelayOf(message.id);
    expect(delay).toBeGreaterThanOrEqual(1800);
    expect(delay).toBeLessThanOrEqual(3600);
    const row = await messageRow(message.id);
    expect(row.status).toBe("sending");
    const retryAt = Date.parse(row.retryAt ?? "");
    expect(retryAt - before).toBeGreaterThanOrEqual(delay * 1000 - 1000);

    // 20 minutes on, a message untouched for 5 minutes would be swept; this one is waiting, not stuck.
    const queue = recordingQueue();
    expect(await sweep(db(), queue.queue, 300, new Date(before + HOUR_MS / 3))).toBe(0);
    // Long after its retry was due and never came, it is put back: nothing is lost.
    expect(await sweep(db(), queue.queue, 300, new Date(retryAt + 10 * 60_000))).toBe(1);
    expect(queue.sent.map((job) => job.messageId)).toEqual([message.id]);
  });

  it("keeps retrying a webhook past the point where an SMS gives up", async () => {
    const webhook = await failingMessage("webhook");
    const sms = await failingMessage("sms");
    const dlq = recordingQueue();
    const bindings = { ...env, DEAD_LETTER_QUEUE: dlq.queue };
    const webhookRound = await consume(batchOf([webhook], "delivery", 6), bindings);
    const smsRound = await consume(batchOf([sms], "delivery", 6), bindings);
    expect(webhookRound.retryMessages).toHaveLength(1);
    expect(smsRound.retryMessages).toHaveLength(0);
    expect(smsRound.explicitAcks).toHaveLength(1);
    expect(dlq.sent.map((job) => job.messageId)).toEqual([sms.id]);
    const events = await eventsOf(sms.id);
    expect(events.at(-1)?.reason).toContain("the sms retry schedule is spent: dead-lettering");
    expect((await messageRow(sms.id)).retryAt).toBeNull();
  });

  it("dead-letters a webhook after its schedule's last retry", async () => {
    const message = await failingMessage("webhook");
    const dlq = recordingQueue();
    const result = await consume(batchOf([message], "delivery", 11), { ...env, DEAD_LETTER_QUEUE: dlq.queue });
    expect(result.retryMessages).toHaveLength(0);
    expect(dlq.sent.map((job) => job.messageId)).toEqual([message.id]);
  });

  it("retries, rather than loses, a spent message when the dead-letter queue refuses it", async () => {
    const message = await failingMessage("sms");
    const result = await consume(batchOf([message], "delivery", 6), { ...env, DEAD_LETTER_QUEUE: recordingQueue(true).queue });
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toHaveLength(0);
  });

  it("follows RETRY_SCHEDULES", async () => {
    const message = await failingMessage("sms");
    const bindings = { ...env, RETRY_SCHEDULES: "sms=600,900" };
    const first = await consume(batchOf([message], "delivery", 2), bindings);
    expect(first.retryMessages).toHaveLength(1);
    const delay = await retryDelayOf(message.id);
    expect(delay).toBeGreaterThanOrEqual(450);
    expect(delay).toBeLessThanOrEqual(900);
    const dlq = recordingQueue();
    const spent = await consume(batchOf([message], "delivery", 3), { ...bindings, DEAD_LETTER_QUEUE: dlq.queue });
    expect(spent.retryMessages).toHaveLength(0);
    expect(dlq.sent).toHaveLength(1);
  });
});
