import type { GuardStatusReader } from "../../shared/providers/guard-contract";
import type { AnalysisJob } from "../../shared/queue/analysis-job";
import type { DeliveryJob } from "../../shared/queue/delivery-job";
import type { EventDeliveryJob } from "../../shared/queue/event-delivery-job";

export type IngestEnv = {
  DB: D1Database;
  /** The R2 archive the dispatch cron writes: archived messages and exports are read from it. */
  ARCHIVE: R2Bucket;
  /** Email attachments, kept until their message is archived (dispatch reads them to send). */
  ATTACHMENTS: R2Bucket;
  /** Inbound attachments the webhooks worker stored; served to their tenant by GET /v1/media/:id. */
  MEDIA: R2Bucket;
  DELIVERY_QUEUE: Queue<DeliveryJob>;
  /** Tenant event deliveries (replays); the dispatch worker consumes them. */
  EVENTS_QUEUE: Queue<EventDeliveryJob>;
  /** Conversation analysis re-runs (consumed by dispatch). */
  ANALYSIS_QUEUE: Queue<AnalysisJob>;
  /** Workers AI, for drafts of tenants whose analyzer is `workers-ai` (not bound locally). */
  AI?: Ai;
  /** Secret: the current credential-encryption secret (≥ 32 characters). */
  ENCRYPTION_SECRET: string;
  /** The version number of ENCRYPTION_SECRET; retired ones stay as ENCRYPTION_SECRET_V<n>. */
  ENCRYPTION_KEY_VERSION?: string;
  /** "true" only in the local stack and tests: providers may then also point at loopback (fakes on 127.0.0.1). Never deployed. */
  OUTBOUND_ALLOW_LOOPBACK?: string;
  /** Secret: a known value sealed under ENCRYPTION_SECRET at deploy time; /health opens it. */
  ENCRYPTION_CANARY?: string;
  /** Public URL of the webhooks worker: a provider's page shows the callback URLs to paste at the provider. */
  WEBHOOKS_PUBLIC_URL?: string;
  /** The dispatch worker's breaker settings, so the dashboard judges health the same way. */
  BREAKER_THRESHOLD?: string;
  BREAKER_COOLDOWN_SECONDS?: string;
  /** Requests per API key per period (wrangler.ingest.toml); absent → no limit. */
  API_RATE_LIMITER?: RateLimit;
  /** Dashboard sign-in attempts per client address per minute (wrangler.ingest.toml). */
  SIGN_IN_RATE_LIMITER?: RateLimit;
  /** "none" where no header carries a client address a client cannot set (the local stack): one shared sign-in bucket. */
  CLIENT_ADDRESS_HEADER?: string;
  /** "log": count D1 round trips per request and log them (the benchmark's calibration). */
  D1_METER?: string;
  /** The dispatch worker's ProviderGuard namespace (read-only use: breaker status); without it the dashboard shows "unknown" health. */
  PROVIDER_HEALTH?: DurableObjectNamespace<GuardStatusReader>;
};
