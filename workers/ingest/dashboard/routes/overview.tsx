import { Hono } from "hono";
import { secretHealth } from "../../../../shared/crypto/secret-canary";
import { isOps, tenantScope } from "../../principal";
import { overview } from "../../services/overview";
import { listProviders } from "../../services/providers";
import { listTenants } from "../../services/tenants";
import { type DashboardBindings, signedIn } from "../context";
import { OverviewPage } from "../pages/overview";
import { providerHealth } from "../provider-health";
import { render } from "../render";

export const overviewRoutes = new Hono<DashboardBindings>().get("/", async (c) => {
  const viewer = signedIn(c);
  const tenantId = tenantScope(viewer.principal, c.req.query("tenantId") || undefined);
  const [data, providers, tenants] = await Promise.all([
    overview(c.get("db"), tenantId),
    listProviders(c.get("db"), tenantId),
    isOps(viewer.principal) ? listTenants(c.get("db")) : [],
  ]);
  const health = await providerHealth(
    c.env,
    providers.map((p) => p.id),
  );
  const secrets = await secretHealth(c.env);
  return render(
    c,
    <OverviewPage
      viewer={viewer}
      data={data}
      providers={providers}
      health={health}
      secrets={secrets}
      tenants={tenants}
      tenantId={tenantId}
    />,
  );
});
