import { Hono } from "hono";
import { zodDetails } from "../../../../shared/http/envelope";
import { isOps, requireScope } from "../../principal";
import { usageQuery } from "../../schemas/params";
import { listTenants } from "../../services/tenants";
import { usageIn } from "../../services/usage";
import { type DashboardBindings, signedIn } from "../context";
import { endOfDay, startOfDay } from "../dates";
import { present } from "../form";
import { UsagePage } from "../pages/usage";
import { render } from "../render";

export const usageRoutes = new Hono<DashboardBindings>().get("/usage", async (c) => {
  const viewer = signedIn(c);
  requireScope(viewer.principal, "read");
  const q = c.req.query();
  const filters = present({ tenantId: q.tenantId, groupBy: q.groupBy, from: q.from, to: q.to });
  const tenants = isOps(viewer.principal) ? await listTenants(c.get("db")) : [];
  // The API's own query schema validates the filters; date fields become day boundaries first.
  const query = usageQuery.safeParse({ ...filters, from: startOfDay(filters.from), to: endOfDay(filters.to) });
  if (!query.success)
    return render(c, <UsagePage viewer={viewer} filters={filters} tenants={tenants} items={[]} errors={zodDetails(query.error)} />, 400);
  const items = await usageIn(c.get("db"), viewer.principal, query.data);
  return render(c, <UsagePage viewer={viewer} filters={filters} tenants={tenants} items={items} />);
});
