import { OpenAPIHono } from "@hono/zod-openapi";
import { limitBody } from "../../shared/http/body-limit";
import { zodDetails } from "../../shared/http/envelope";
import { notFound, onError } from "../../shared/http/error-handlers";
import { InvalidInputError, MethodNotAllowedError, UnsupportedMediaTypeError } from "../../shared/http/errors";
import { requestContext } from "../../shared/http/request-context";
import type { IngestBindings } from "./context";
import { createDashboard } from "./dashboard";
import { docsRoutes } from "./docs-page";
import { authenticate } from "./middleware";
import { finishDocument, type OpenApiDocument } from "./openapi/finish-document";
import { isJson, type RouteTable, routeTable } from "./openapi/route-table";
import { alertRuleRoutes } from "./routes/alert-rules";
import { analysisRoutes } from "./routes/analysis";
import { archiveRoutes } from "./routes/archive";
import { auditLogRoutes } from "./routes/audit-log";
import { contactRoutes } from "./routes/contacts";
import { conversationRoutes } from "./routes/conversations";
import { deadLetterOperationRoutes } from "./routes/dead-letter-operations";
import { deadLetterRoutes } from "./routes/dead-letters";
import { deviceRoutes } from "./routes/devices";
import { healthRoutes } from "./routes/health";
import { mediaRoutes } from "./routes/media";
import { messageRoutes } from "./routes/messages";
import { optOutRoutes } from "./routes/opt-outs";
import { providerRoutes } from "./routes/providers";
import { templateRoutes } from "./routes/templates";
import { tenantRoutes } from "./routes/tenants";
import { usageRoutes } from "./routes/usage";
import { webhookEndpointRoutes } from "./routes/webhook-endpoints";

const KB = 1024;
/** One message is at most 128 KB; a batch at most 100 of them. */
const SINGLE_BODY_LIMIT = 256 * KB;
const BATCH_BODY_LIMIT = 100 * 130 * KB;
/** One message with its email attachments: 10 MB of files is 13.4 MB of base64. */
const SEND_BODY_LIMIT = 14 * KB * KB;
const LARGER_BODIES: Record<string, number> = { "/v1/messages/batch": BATCH_BODY_LIMIT, "/v1/messages": SEND_BODY_LIMIT };

export const OPENAPI_INFO = {
  title: "Relay",
  version: "1.0.0",
  description:
    "Multi-tenant message delivery. Every answer is an envelope: `{ success, data, meta }` or `{ success: false, error: { code, message, retryable, details? }, meta }`.",
};

export function createApp() {
  const app = new OpenAPIHono<IngestBindings>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === "json" ? [] : [result.target];
        throw new InvalidInputError("The request failed validation", zodDetails(result.error, where));
      }
    },
  });

  app.use("*", requestContext("ingest"));
  app.use("/v1/*", async (c, next) => limitBody(LARGER_BODIES[c.req.path] ?? SINGLE_BODY_LIMIT)(c, next));
  app.use("/v1/*", authenticate);
  // Checked against the document, so a body route cannot forget it: JSON or 415, before validation.
  app.use("/v1/*", async (c, next) => {
    if (routes().takesBody(c.req.method, c.req.path) && !isJson(c.req.header("content-type")))
      throw new UnsupportedMediaTypeError(c.req.header("content-type"));
    await next();
  });

  app.route("/", healthRoutes);
  app.route("/", messageRoutes);
  app.route("/", providerRoutes);
  app.route("/", tenantRoutes);
  app.route("/", deadLetterRoutes);
  app.route("/", usageRoutes);
  app.route("/", archiveRoutes);
  app.route("/", deviceRoutes);
  app.route("/", templateRoutes);
  app.route("/", webhookEndpointRoutes);
  app.route("/", contactRoutes);
  app.route("/", conversationRoutes);
  app.route("/", mediaRoutes);
  app.route("/", analysisRoutes);
  app.route("/", optOutRoutes);
  app.route("/", deadLetterOperationRoutes);
  app.route("/", auditLogRoutes);
  app.route("/", alertRuleRoutes);
  // Plain Hono routes: the dashboard's pages are not part of the OpenAPI document.
  app.route("/dashboard", createDashboard());

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  let finished: OpenApiDocument | undefined;
  let table: RouteTable | undefined;
  const document = () => {
    finished ??= finishDocument(app.getOpenAPI31Document({ openapi: "3.1.0", info: OPENAPI_INFO }));
    return finished;
  };
  const routes = () => {
    table ??= routeTable(document());
    return table;
  };
  app.get("/openapi.json", (c) => c.json(document()));
  app.route("/", docsRoutes(OPENAPI_INFO.title));

  app.notFound((c) => {
    const allow = routes().allowed(c.req.path);
    if (allow) throw new MethodNotAllowedError(c.req.method, c.req.path, allow);
    return notFound(c);
  });
  app.onError(onError("ingest"));
  return app;
}
