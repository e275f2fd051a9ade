import type { Context } from "hono";
import type { IngestVariables } from "../context";
import type { IngestEnv } from "../env";
import type { Principal } from "../principal";

/** Who is signed in, and the CSRF token every form of their pages carries. */
export type Viewer = { principal: Principal; csrf: string };

/** `sessionToken`: the signed-in session's token (never rendered), for signing out. */
export type DashboardBindings = { Bindings: IngestEnv; Variables: IngestVariables & { viewer?: Viewer; sessionToken?: string } };
export type DashboardContext = Context<DashboardBindings>;

/** Where the ingest worker mounts the dashboard; every link and cookie path starts with it. */
export const BASE = "/dashboard";

export function signedIn(c: DashboardContext): Viewer {
  const viewer = c.get("viewer");
  if (!viewer) throw new Error("dashboard page rendered without a session");
  return viewer;
}
