import type { DeliveryJob } from "../../shared/queue/delivery-job";

export type DispatchEnv = {
  DB: D1Database;
  DELIVERY_QUEUE: Queue<DeliveryJob>;
  ENCRYPTION_SECRET: string;
  ENCRYPTION_KEY_VERSION?: string;
  WEBHOOKS_PUBLIC_URL?: string;
  /** A message `queued`/`sending` untouched this long is put back on the queue (default 300). */
  SWEEP_AFTER_SECONDS?: string;
};
