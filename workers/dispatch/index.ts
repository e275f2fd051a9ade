import { meterEnv } from "../../shared/db/d1-meter";
import { database } from "../../shared/db/database";
import { log } from "../../shared/observability/logger";
import { DEAD_LETTER_QUEUE, type DeliveryJob } from "../../shared/queue/delivery-job";
import { advanceRunningBulkOperations } from "../../shared/recovery/bulk-operation";
import { deadLetterBatch } from "./dead-letter-batch";
import { deliverBatch } from "./deliver-batch";
import { dispatchSettings } from "./dispatch-settings";
import type { DispatchEnv } from "./env";
import { deleteExpiredDashboardSessions, deleteExpiredIdempotencyKeys } from "./expired-rows";
import { newGuardMeter } from "./guard-client";
import { dispatchFetch } from "./health";
import { sweep } from "./sweeper";

export { ProviderGuard } from "./provider-guard";

/** Each cron run works on dead-letter bulk operations for at most this long (the cron has 30 s of CPU at most, more of wall time). */
const BULK_BUDGET_MS = 20_000;

export default {
  fetch: dispatchFetch,
  async queue(batch, env) {
    const metered = meterEnv(env, "dispatch");
    const guardMeter = newGuardMeter();
    const deadLetters = batch.queue === DEAD_LETTER_QUEUE || batch.queue.endsWith(`-${DEAD_LETTER_QUEUE}`);
    if (deadLetters) await deadLetterBatch(metered.env, batch);
    else await deliverBatch(metered.env, batch, guardMeter);
    metered.report(deadLetters ? "dead-letter batch" : "delivery batch", batch.messages.length, guardMeter);
  },
  async scheduled(_controller, env) {
    const stuckAfter = dispatchSettings(env).sweepAfterSeconds;
    const db = database(env.DB);
    const swept = await sweep(db, env.DELIVERY_QUEUE, stuckAfter);
    const expiredKeys = await deleteExpiredIdempotencyKeys(db);
    const expiredSessions = await deleteExpiredDashboardSessions(db);
    const bulkOperations = await advanceRunningBulkOperations({ db, queue: env.DELIVERY_QUEUE }, BULK_BUDGET_MS);
    if (swept + expiredKeys + expiredSessions + bulkOperations > 0)
      log.info("dispatch.cron", {
        requeued: swept,
        expiredIdempotencyKeys: expiredKeys,
        expiredDashboardSessions: expiredSessions,
        bulkOperationsAdvanced: bulkOperations,
      });
  },
} satisfies ExportedHandler<DispatchEnv, DeliveryJob>;
