import { type ErrorHandler, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { limitBody } from "../../../shared/http/body-limit";
import { toRelayError } from "../../../shared/http/envelope";
import { NotFoundError } from "../../../shared/http/errors";
import { log } from "../../../shared/observability/logger";
import { BASE, type DashboardBindings, type DashboardContext } from "./context";
import { verifyForm } from "./csrf";
import { ErrorPage } from "./pages/error";
import { pageHeaders, render } from "./render";
import { requireSession } from "./require-session";
import { alertRoutes } from "./routes/alerts";
import { analysisRoutes } from "./routes/analysis";
import { auditLogRoutes } from "./routes/audit-log";
import { deadLetterRoutes } from "./routes/dead-letters";
import { inboxRoutes } from "./routes/inbox";
import { messageRoutes } from "./routes/messages";
import { overviewRoutes } from "./routes/overview";
import { providerRoutes } from "./routes/providers";
import { signInRoutes, signOutRoutes } from "./routes/sign-in";
import { templateRoutes } from "./routes/templates";
import { tenantRoutes } from "./routes/tenants";
import { usageRoutes } from "./routes/usage";
import { webhookRoutes } from "./routes/webhooks";
import { STYLESHEET } from "./stylesheet";

const FORM_LIMIT_BYTES = 64 * 1024;

/** "Go back" after a failed form is the page it came from (same origin only), else the section. */
function backLink(c: DashboardContext): string {
  const referer = c.req.header("referer");
  const origin = new URL(c.req.url).origin;
  if (referer?.startsWith(`${origin}${BASE}`)) return referer.slice(origin.length);
  const section = c.req.path.slice(BASE.length).split("/")[1];
  return section ? `${BASE}/${section}` : BASE;
}

const renderError: ErrorHandler<DashboardBindings> = (error, c) => {
  const relayError = toRelayError(error);
  if (relayError.code === "INTERNAL_ERROR") log.error("dashboard.unhandled_error", { requestId: c.get("requestId"), error: String(error) });
  const page = <ErrorPage viewer={c.get("viewer")} error={relayError} back={backLink(c)} requestId={c.get("requestId")} />;
  return render(c, page, relayError.status as ContentfulStatusCode);
};

/**
 * The ops dashboard at /dashboard: server-rendered pages over the same services as /v1. Only
 * the stylesheet and sign-in are open; every route after `requireSession` needs a session, and
 * every form there the session's CSRF token.
 */
export function createDashboard() {
  const dashboard = new Hono<DashboardBindings>();
  dashboard.use("*", pageHeaders);
  dashboard.use("*", limitBody(FORM_LIMIT_BYTES));
  dashboard.get("/style.css", (c) =>
    c.body(STYLESHEET, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }),
  );
  dashboard.route("/", signInRoutes);

  dashboard.use("*", requireSession, verifyForm);
  dashboard.route("/", signOutRoutes);
  dashboard.route("/", overviewRoutes);
  dashboard.route("/", messageRoutes);
  dashboard.route("/", inboxRoutes);
  dashboard.route("/", analysisRoutes);
  dashboard.route("/", deadLetterRoutes);
  dashboard.route("/", providerRoutes);
  dashboard.route("/", templateRoutes);
  dashboard.route("/", tenantRoutes);
  dashboard.route("/", usageRoutes);
  dashboard.route("/", webhookRoutes);
  dashboard.route("/", alertRoutes);
  dashboard.route("/", auditLogRoutes);
  dashboard.all("*", () => {
    throw new NotFoundError("Page");
  });
  dashboard.onError(renderError);
  return dashboard;
}
