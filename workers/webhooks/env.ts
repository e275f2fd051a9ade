export type WebhooksEnv = {
  DB: D1Database;
  ENCRYPTION_SECRET: string;
  ENCRYPTION_KEY_VERSION?: string;
};
