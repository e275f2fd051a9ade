import { meterEnv } from "../../shared/db/d1-meter";
import { type Database, database } from "../../shared/db/database";
import { log } from "../../shared/observability/logger";
import { ANALYSIS_DEAD_LETTER_QUEUE, ANALYSIS_QUEUE, type AnalysisJob } from "../../shared/queue/analysis-job";
import { DEAD_LETTER_QUEUE, type DeliveryJob } from "../../shared/queue/delivery-job";
import { EVENTS_DEAD_LETTER_QUEUE, EVENTS_QUEUE, type EventDeliveryJob, isQueue } from "../../shared/queue/event-delivery-job";
import { advanceRunningBulkOperations } from "../../shared/recovery/bulk-operation";
import { type AlertDeps, evaluateAlertRules } from "./alerts/alert-evaluation";
import { analysisBatch, analysisDeadLetters } from "./analysis/analysis-consumer";
import { sweepAnalyses } from "./analysis/analysis-sweep";
import { analysisVars } from "./analysis/analysis-vars";
import { archiveTick } from "./archive/archive-runs";
import { deadLetterBatch } from "./dead-letter-batch";
import { deliverBatch } from "./deliver-batch";
import { dispatchSettings } from "./dispatch-settings";
import type { DispatchEnv } from "./env";
import { deleteExpiredDashboardSessions, deleteExpiredIdempotencyKeys } from "./expired-rows";
import { newGuardMeter } from "./guard-client";
import { dispatchFetch } from "./health";
import { lookUpDuePrices } from "./price-lookups";
import { purgePastRetention } from "./record-retention";
import { sweep } from "./sweeper";
import { eventCron } from "./tenant-events/cron";
import { deliverEvents, eventDeadLetters } from "./tenant-events/deliver-events";

export { ProviderGuard } from "./provider-guard";

/** Each cron run works on dead-letter bulk operations for at most this long (the cron has 30 s of CPU at most, more of wall time). */
const BULK_BUDGET_MS = 20_000;

function alertDeps(env: DispatchEnv, db: Database): AlertDeps {
  const settings = dispatchSettings(env);
  return {
    db,
    queue: env.DELIVERY_QUEUE,
    readStatus: (providerId, guardSettings) => env.PROVIDER_GUARD.get(env.PROVIDER_GUARD.idFromName(providerId)).status(guardSettings),
    guardSettings: { failureThreshold: settings.breakerThreshold, cooldownSeconds: settings.breakerCooldownSeconds },
  };
}

export default {
  fetch: dispatchFetch,
  async queue(batch, env) {
    // Tenant events have their own queues: a slow endpoint never holds a delivery batch.
    if (isQueue(batch.queue, EVENTS_QUEUE)) return deliverEvents(env, batch as MessageBatch<EventDeliveryJob>);
    if (isQueue(batch.queue, EVENTS_DEAD_LETTER_QUEUE)) return eventDeadLetters(env, batch as MessageBatch<EventDeliveryJob>);
    // Conversation analysis too: a slow model never holds a delivery batch.
    if (isQueue(batch.queue, ANALYSIS_QUEUE)) return analysisBatch(env, batch as MessageBatch<AnalysisJob>);
    if (isQueue(batch.queue, ANALYSIS_DEAD_LETTER_QUEUE)) return analysisDeadLetters(env, batch as MessageBatch<AnalysisJob>);
    const metered = meterEnv(env, "dispatch");
    const guardMeter = newGuardMeter();
    const deadLetters = batch.queue === DEAD_LETTER_QUEUE || batch.queue.endsWith(`-${DEAD_LETTER_QUEUE}`);
    if (deadLetters) await deadLetterBatch(metered.env, batch as MessageBatch<DeliveryJob>);
    else await deliverBatch(metered.env, batch as MessageBatch<DeliveryJob>, guardMeter);
    metered.report(deadLetters ? "dead-letter batch" : "delivery batch", batch.messages.length, guardMeter);
  },
  async scheduled(_controller, env) {
    const settings = dispatchSettings(env);
    const stuckAfter = settings.sweepAfterSeconds;
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
    // Then, each on its own: alerts, analyses, retention, price lookups, archiving and tenant events never hold up the sweeper or the releases above, or each other.
    await evaluateAlertRules(alertDeps(env, db)).catch((error) => log.error("dispatch.alerts_failed", { error: String(error) }));
    await sweepAnalyses(db, env.ANALYSIS_QUEUE, analysisVars(env).sweepAfterSeconds)
      .then((requeued) => requeued > 0 && log.info("dispatch.analysis_swept", { requeued }))
      .catch((error) => log.error("dispatch.analysis_sweep_failed", { error: String(error) }));
    await purgePastRetention(db, settings.retentionDays)
      .then((purged) => {
        if (purged.deadLetters + purged.unmatchedCallbacks > 0) log.info("dispatch.retention_purged", purged);
      })
      .catch((error) => log.error("dispatch.retention_failed", { error: String(error) }));
    await lookUpDuePrices(db, env, settings)
      .then((tally) => {
        if (tally.priced + tally.waiting + tally.gaveUp > 0) log.info("dispatch.price_lookups", tally);
      })
      .catch((error) => log.error("dispatch.price_lookups_failed", { error: String(error) }));
    await archiveTick({ db, bucket: env.ARCHIVE, attachments: env.ATTACHMENTS, media: env.MEDIA }, settings.archiveBudgetMs).catch(
      (error) => log.error("dispatch.archive_failed", { error: String(error) }),
    );
    await eventCron(env);
  },
} satisfies ExportedHandler<DispatchEnv, DeliveryJob | EventDeliveryJob | AnalysisJob>;
