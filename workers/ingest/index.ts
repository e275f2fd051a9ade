import { WorkerEntrypoint } from "cloudflare:workers";
import { createApp } from "./app";
import type { IngestEnv } from "./env";
import { type RelaySendInput, type RelaySendResult, sendViaBinding } from "./service-binding";

const app = createApp();

export default { fetch: app.fetch } satisfies ExportedHandler<IngestEnv>;

/**
 * Typed RPC for other Workers: `env.RELAY.send({ tenantId, message })` — the same
 * validation and acceptance as `POST /v1/messages`, with no HTTP and no API key.
 */
export class RelayService extends WorkerEntrypoint<IngestEnv> {
  async send(input: RelaySendInput): Promise<RelaySendResult> {
    return sendViaBinding(this.env, input);
  }
}
