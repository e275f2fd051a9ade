export type WebhooksEnv = {
  DB: D1Database;
  ENCRYPTION_SECRET: string;
  ENCRYPTION_KEY_VERSION?: string;
  /** Secret: a known value sealed under ENCRYPTION_SECRET at deploy time; /health opens it. */
  ENCRYPTION_CANARY?: string;
};
