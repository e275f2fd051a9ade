import type { AnalysisJob } from "../../shared/queue/analysis-job";

export type WebhooksEnv = {
  DB: D1Database;
  /** Inbound attachments (MMS media, chat files), fetched from the providers; read by ingest's GET /v1/media/:id. */
  MEDIA: R2Bucket;
  /** Largest attachment stored, in bytes (default 20 MB); a larger one is marked failed. */
  MEDIA_MAX_BYTES?: string;
  /** Conversation analysis requests (consumed by dispatch); a request it refuses is swept by the dispatch cron. */
  ANALYSIS_QUEUE: Queue<AnalysisJob>;
  /** Seconds after the last inbound message of a burst before its conversation is analysed (default 10). */
  ANALYSIS_DEBOUNCE_SECONDS?: string;
  ENCRYPTION_SECRET: string;
  ENCRYPTION_KEY_VERSION?: string;
  /** Secret: a known value sealed under ENCRYPTION_SECRET at deploy time; /health opens it. */
  ENCRYPTION_CANARY?: string;
  /** "true" only on the local stack and in tests: polled providers may be fakes on 127.0.0.1. */
  OUTBOUND_ALLOW_LOOPBACK?: string;
};
