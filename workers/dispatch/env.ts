import type { DeliveryJob } from "../../shared/queue/delivery-job";

export type DispatchEnv = {
  DB: D1Database;
  DELIVERY_QUEUE: Queue<DeliveryJob>;
  ENCRYPTION_SECRET: string;
  ENCRYPTION_KEY_VERSION?: string;
  WEBHOOKS_PUBLIC_URL?: string;
};
