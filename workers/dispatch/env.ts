import type { AnalysisJob } from "../../shared/queue/analysis-job";
import type { DeliveryJob } from "../../shared/queue/delivery-job";
import type { EventDeliveryJob } from "../../shared/queue/event-delivery-job";
import type { ProviderGuard } from "./provider-guard";

export type DispatchEnv = {
  DB: D1Database;
  DELIVERY_QUEUE: Queue<DeliveryJob>;
  /** The `delivery-dlq` queue: a message whose channel's retry schedule is spent goes here at once. */
  DEAD_LETTER_QUEUE: Queue<DeliveryJob>;
  /** Tenant event deliveries: the fan-out and retries queue them, this worker consumes them. */
  EVENTS_QUEUE: Queue<EventDeliveryJob>;
  /** Conversation analyses (this worker consumes them) and their dead letters. */
  ANALYSIS_QUEUE: Queue<AnalysisJob>;
  ANALYSIS_DEAD_LETTER_QUEUE: Queue<AnalysisJob>;
  /** Workers AI, for tenants whose analyzer is `workers-ai` (not bound locally: no account). */
  AI?: Ai;
  /** Seconds before each retry of a failed analysis, comma-separated (default 10,60,300). */
  ANALYSIS_RETRY_SCHEDULE?: string;
  /** One model call's time limit (default 30000). */
  ANALYSIS_TIMEOUT_MS?: string;
  /** How long a consumer owns a running analysis (default 120). */
  ANALYSIS_LEASE_SECONDS?: string;
  /** A pending analysis this long past due is queued again by the cron (default 120). */
  ANALYSIS_SWEEP_AFTER_SECONDS?: string;
  PROVIDER_GUARD: DurableObjectNamespace<ProviderGuard>;
  /** Messages past their retention, as gzipped NDJSON per tenant and day. */
  ARCHIVE: R2Bucket;
  /** Email attachments, written by ingest at acceptance; read to send, deleted when their message is archived. */
  ATTACHMENTS: R2Bucket;
  /** Inbound messages' files, stored by the webhooks worker; deleted when their message is archived. */
  MEDIA: R2Bucket;
  ENCRYPTION_SECRET: string;
  ENCRYPTION_KEY_VERSION?: string;
  /** "true" only in the local stack and tests: providers may then also point at loopback (fakes on 127.0.0.1). Never deployed. */
  OUTBOUND_ALLOW_LOOPBACK?: string;
  /** Secret: a known value sealed under ENCRYPTION_SECRET at deploy time; /health opens it. */
  ENCRYPTION_CANARY?: string;
  WEBHOOKS_PUBLIC_URL?: string;
  /** A message `queued`/`sending` untouched this long is put back on the queue (default 300). */
  SWEEP_AFTER_SECONDS?: string;
  /** First retry delay; doubles per attempt with jitter, capped (default 10). */
  RETRY_BASE_SECONDS?: string;
  /** Per channel retry delays, e.g. `webhook=30,60,300,3600; sms=5,10,20` (see shared/config/retry-schedule.ts). */
  RETRY_SCHEDULES?: string;
  /** One provider call's time limit (default 10000). */
  SEND_TIMEOUT_MS?: string;
  /** "log": count D1 round trips per batch and log them (the benchmark's calibration). */
  D1_METER?: string;
  /** How long a claim owns a `sending` message before another consumer may take it (default 180). */
  LEASE_SECONDS?: string;
  /** A sent or rejected outcome is written to D1 at most this long after it happens (default 250). */
  OUTCOME_FLUSH_MS?: string;
  /** How long one cron tick may spend on the R2 archive (default 20000). */
  ARCHIVE_BUDGET_MS?: string;
  /** Resolved (redriven or discarded) dead letters are deleted this many days after (default 30); pending ones never. */
  DEAD_LETTER_RETENTION_DAYS?: string;
  /** Unmatched provider callbacks are deleted this many days after they arrived (default 30). */
  UNMATCHED_CALLBACK_RETENTION_DAYS?: string;
  /** A sent message its provider has not priced yet (Twilio) is looked up until this many hours after sending (default 24). */
  PRICE_LOOKUP_HORIZON_HOURS?: string;
  /** Price lookups one cron tick makes at most (default 50). */
  PRICE_LOOKUPS_PER_TICK?: string;
  /** Consecutive unavailable outcomes that open a provider's circuit (default 5). */
  BREAKER_THRESHOLD?: string;
  /** How long an open circuit skips its provider before one probe (default 30). */
  BREAKER_COOLDOWN_SECONDS?: string;
  /** Seconds before each retry of an event delivery, comma-separated (default 5,300,1800,7200,18000,36000,36000). */
  EVENT_RETRY_SCHEDULE?: string;
  /** One event POST's time limit (default 10000). */
  EVENT_TIMEOUT_MS?: string;
  /** A pending delivery this long past due is put back on the events queue by the cron (default 300). */
  EVENT_SWEEP_AFTER_SECONDS?: string;
  /** An endpoint failing this many attempts in a row (default 50) over at least this long (default 432000, 5 days) is disabled. */
  EVENT_DISABLE_AFTER_FAILURES?: string;
  EVENT_DISABLE_AFTER_SECONDS?: string;
};
