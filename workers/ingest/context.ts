import type { Database } from "../../shared/db/database";
import type { IngestEnv } from "./env";
import type { Principal } from "./principal";

export type IngestVariables = {
  requestId: string;
  startedAt: number;
  db: Database;
  principal: Principal;
};
export type IngestBindings = { Bindings: IngestEnv; Variables: IngestVariables };
