import type { DeliveryJob } from "../../shared/queue/delivery-job";

export type IngestEnv = {
  DB: D1Database;
  DELIVERY_QUEUE: Queue<DeliveryJob>;
  /** Secret: the current credential-encryption secret (≥ 32 characters). */
  ENCRYPTION_SECRET: string;
  /** The version number of ENCRYPTION_SECRET; retired ones stay as ENCRYPTION_SECRET_V<n>. */
  ENCRYPTION_KEY_VERSION?: string;
};
