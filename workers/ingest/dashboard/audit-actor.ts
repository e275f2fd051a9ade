import { type AuditActor, actorOf } from "../services/audit-log";
import { type DashboardContext, signedIn } from "./context";

/** The actor of a dashboard form: the signed-in key. */
export function dashboardActor(c: DashboardContext): AuditActor {
  return actorOf(c.req.raw, signedIn(c).principal, c.get("requestId"), "dashboard");
}
