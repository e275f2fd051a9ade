import type { D1Migration } from "cloudflare:test";
import type { DispatchEnv } from "../../workers/dispatch/env";
import type { IngestEnv } from "../../workers/ingest/env";
import type { WebhooksEnv } from "../../workers/webhooks/env";

declare global {
  namespace Cloudflare {
    interface Env extends IngestEnv, DispatchEnv, WebhooksEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
    /** `exports` in test/ingest is the ingest worker's; other projects call their handlers directly. */
    interface GlobalProps {
      mainModule: typeof import("../../workers/ingest/index");
    }
  }
}
