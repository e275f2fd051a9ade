import { meterEnv } from "../../shared/db/d1-meter";
import { database } from "../../shared/db/database";
import { log } from "../../shared/observability/logger";
import { DEAD_LETTER_QUEUE, type DeliveryJob } from "../../shared/queue/delivery-job";
import { deadLetterBatch } from "./dead-letter-batch";
import { deliverBatch } from "./deliver-batch";
import { dispatchSettings } from "./dispatch-settings";
import type { DispatchEnv } from "./env";
import { deleteExpiredDashboardSessions, deleteExpiredIdempotencyKeys } from "./expired-rows";
import { newGuardMeter } from "./guard-client";
import { dispatchFetch } from "./health";
import { sweep } from "./sweeper";

export { ProviderGuard } from "./provider-guard";

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
    if (swept + expiredKeys + expiredSessions > 0)
      log.info("dispatch.cron", { requeued: swept, expiredIdempotencyKeys: expiredKeys, expiredDashboardSessions: expiredSessions });
  },
} satisfies ExportedHandler<DispatchEnv, DeliveryJob>;
