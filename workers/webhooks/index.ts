import { createApp } from "./app";
import type { WebhooksEnv } from "./env";

const app = createApp();

export default { fetch: app.fetch } satisfies ExportedHandler<WebhooksEnv>;
