import { database } from "../../shared/db/database";
import { log } from "../../shared/observability/logger";
import { createApp } from "./app";
import type { WebhooksEnv } from "./env";
import { fetchPendingMedia } from "./media/fetch-media";
import { pollInbound } from "./polling/poll-inbound";

const app = createApp();

export default {
  fetch: app.fetch,
  /**
   * Every minute: providers that receive by polling (Telegram in poll mode) are asked for what
   * came, then attachments still pending (a failed or interrupted fetch, or just polled) are fetched.
   */
  async scheduled(_controller, env) {
    const db = database(env.DB);
    const polled = await pollInbound(db, env);
    const media = await fetchPendingMedia(db, env, { due: true });
    if (polled.recorded > 0 || media.stored + media.failed > 0) log.info("webhooks.cron", { ...polled, media });
  },
} satisfies ExportedHandler<WebhooksEnv>;
