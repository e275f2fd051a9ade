import { Hono } from "hono";
import { zodDetails } from "../../../../shared/http/envelope";
import { InvalidInputError } from "../../../../shared/http/errors";
import { isOps, tenantScope } from "../../principal";
import { auditLogQuery } from "../../routes/audit-log";
import { listAuditLog } from "../../services/audit-log";
import { listTenants } from "../../services/tenants";
import { type DashboardBindings, signedIn } from "../context";
import { present } from "../form";
import { AuditLogPage } from "../pages/audit-log";
import { render } from "../render";

export const auditLogRoutes = new Hono<DashboardBindings>().get("/audit-log", async (c) => {
  const viewer = signedIn(c);
  const filters = present({ tenantId: c.req.query("tenantId"), cursor: c.req.query("cursor") });
  const query = auditLogQuery.safeParse(filters);
  if (!query.success) throw new InvalidInputError("The filters are not valid", zodDetails(query.error));
  const [records, tenants] = await Promise.all([
    listAuditLog(c.get("db"), { ...query.data, tenantId: tenantScope(viewer.principal, query.data.tenantId) }),
    isOps(viewer.principal) ? listTenants(c.get("db")) : [],
  ]);
  return render(c, <AuditLogPage viewer={viewer} records={records} tenants={tenants} filters={filters} />);
});
