export type WebhooksEnv = {
  DB: D1Database;
  /** Inbound attachments (MMS media, chat files), fetched from the providers; read by ingest's GET /v1/media/:id. */
  MEDIA: R2Bucket;
  /** Largest attachment stored, in bytes (default 20 MB); a larger one is marked failed. */
  MEDIA_MAX_BYTES?: string;
  ENCRYPTION_SECRET: string;
  ENCRYPTION_KEY_VERSION?: string;
  /** Secret: a known value sealed under ENCRYPTION_SECRET at deploy time; /health opens it. */
  ENCRYPTION_CANARY?: string;
  /** "true" only on the local stack and in tests: polled providers may be fakes on 127.0.0.1. */
  OUTBOUND_ALLOW_LOOPBACK?: string;
};
