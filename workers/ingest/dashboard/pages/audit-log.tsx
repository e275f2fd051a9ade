import { isOps } from "../../principal";
import type { listAuditLog } from "../../services/audit-log";
import { Pager, SelectField, type TenantChoice, Time, tenantOptions } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

type Records = Awaited<ReturnType<typeof listAuditLog>>;
type Props = { viewer: Viewer; records: Records; tenants: TenantChoice[]; filters: Record<string, string> };

function detailsText(details: Record<string, unknown>): string {
  const { via: _via, ...rest } = details;
  return Object.keys(rest).length > 0 ? JSON.stringify(rest) : "";
}

/** Who did what, when and from where: newest first. */
export function AuditLogPage({ viewer, records, tenants, filters }: Props) {
  const ops = isOps(viewer.principal);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  return (
    <Layout title="Audit log" viewer={viewer} section="audit-log">
      {ops ? (
        <form class="filters" method="get" action={`${BASE}/audit-log`}>
          <SelectField id="tenant" name="tenantId" label="Tenant" options={tenantOptions(tenants)} value={filters.tenantId ?? ""} />
          <button type="submit">Filter</button>
        </form>
      ) : null}
      {records.items.length === 0 ? (
        <p>Nothing recorded yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              {ops ? <th scope="col">Tenant</th> : null}
              <th scope="col">What</th>
              <th scope="col">On</th>
              <th scope="col">From</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {records.items.map((r) => (
              <tr>
                <td>
                  <Time iso={r.occurredAt} />
                </td>
                <td>{r.actorKeyName ?? r.actorKeyId}</td>
                {ops ? <td>{r.tenantId ? (tenantName.get(r.tenantId) ?? r.tenantId) : "—"}</td> : null}
                <td>{r.action}</td>
                <td>{r.target ? <code>{r.target}</code> : "—"}</td>
                <td>
                  {String(r.details.via ?? "")}
                  {r.clientAddress ? `, ${r.clientAddress}` : ""}
                </td>
                <td class="wrap">{detailsText(r.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path={`${BASE}/audit-log`} query={filters} nextCursor={records.nextCursor} />
    </Layout>
  );
}
