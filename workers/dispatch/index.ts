import type { DeliveryJob } from "../../shared/queue/delivery-job";
import { deliverBatch } from "./deliver-batch";
import type { DispatchEnv } from "./env";

export default {
  async queue(batch, env) {
    await deliverBatch(env, batch);
  },
} satisfies ExportedHandler<DispatchEnv, DeliveryJob>;
