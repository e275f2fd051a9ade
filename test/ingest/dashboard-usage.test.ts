import { describe, expect, it } from "vitest";
import { createOpsKey, createTenant } from "../support/api";
import { insertMessage } from "../support/d1-fixtures";
import { signedInBrowser } from "../support/dashboard-browser";

const day = (d: number) => new Date(Date.UTC(2026, 10, d, 9)).toISOString();

async function tenantWithCosts(name: string, costs: number[]) {
  const ops = await createOpsKey();
  const tenant = await createTenant(ops, name);
  for (const cost of costs)
    await insertMessage(tenant.tenantId, { cost, currency: "USD", segments: 1, createdAt: day(5), updatedAt: day(5) });
  return { ops, tenant };
}

describe("dashboard usage page", () => {
  it("shows a tenant's admin its own messages, segments and cost, with a total per currency", async () => {
    const { tenant } = await tenantWithCosts("Costly", [0.0079, 0.0079, 0.0158]);
    await tenantWithCosts("Elsewhere", [7.77]);
    const browser = await signedInBrowser(tenant.adminKey);
    const page = await browser.get("/dashboard/usage?groupBy=channel&from=2026-11-01&to=2026-11-30");
    expect(page.status).toBe(200);
    expect(page.html).toContain("<td>sms</td><td>3</td><td>3</td><td>0.0316 USD</td>");
    expect(page.html).toContain("Total (USD)");
    expect(page.html).not.toContain("7.77");
    expect(page.html).not.toContain('value="tenant"');
  });

  it("lets ops group by tenant, showing names, and names a bad filter instead of failing", async () => {
    const { ops, tenant } = await tenantWithCosts("Named tenant", [1.5]);
    const browser = await signedInBrowser(ops);
    const page = await browser.get(`/dashboard/usage?groupBy=tenant&tenantId=${tenant.tenantId}&from=2026-11-01&to=2026-11-30`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("<td>Named tenant</td><td>1</td><td>1</td><td>1.5 USD</td>");
    const bad = await browser.get("/dashboard/usage?from=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("The filters are not valid");
  });
});
