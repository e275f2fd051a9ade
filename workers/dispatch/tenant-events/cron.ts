import { log } from "../../../shared/observability/logger";
import type { DispatchEnv } from "../env";
import { fanOutEvents } from "./fan-out";
import { sweepDeliveries } from "./sweep-deliveries";

/** The cron's event work: fan out new timeline rows, queue overdue deliveries. A failure here never stops the message cron. */
export async function eventCron(env: DispatchEnv): Promise<void> {
  try {
    const fannedOut = await fanOutEvents(env);
    const swept = await sweepDeliveries(env);
    if (fannedOut + swept > 0) log.info("events.cron", { deliveriesQueued: fannedOut, overdueRequeued: swept });
  } catch (error) {
    log.error("events.cron_failed", { error: String(error) });
  }
}
