import type { Database } from "../../shared/db/database";
import type { WebhooksEnv } from "./env";

export type WebhooksVariables = {
  requestId: string;
  startedAt: number;
  db: Database;
};
export type WebhooksBindings = { Bindings: WebhooksEnv; Variables: WebhooksVariables };
