import { database } from "../../shared/db/database";
import { log } from "../../shared/observability/logger";
import { createApp } from "./app";
import type { WebhooksEnv } from "./env";
import { pollInbound } from "./polling/poll-inbound";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Every minute: providers that receive by polling (Telegram in poll mode) are asked for what came. */
  async scheduled(_controller, env) {
    const polled = await pollInbound(database(env.DB), env);
    if (polled.recorded > 0) log.info("webhooks.cron", polled);
  },
} satisfies ExportedHandler<WebhooksEnv>;
