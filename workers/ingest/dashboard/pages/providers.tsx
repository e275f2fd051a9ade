import { isOps } from "../../principal";
import { Notice, SelectField, type TenantChoice } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import { failureRate, type ProviderHealth } from "../provider-health";
import type { ProviderView } from "../views";

type Props = {
  viewer: Viewer;
  owner: string;
  tenants: TenantChoice[];
  providers: ProviderView[];
  health: Map<string, ProviderHealth>;
  done?: string;
};

export function ownerOptions(tenants: TenantChoice[]) {
  return [
    { value: "", label: "Every owner" },
    { value: "system", label: "System defaults" },
    ...tenants.map((t) => ({ value: t.id, label: `${t.name} (${t.id})` })),
  ];
}

export function ProvidersPage(props: Props) {
  const ops = isOps(props.viewer.principal);
  const tenantName = new Map(props.tenants.map((t) => [t.id, t.name]));
  return (
    <Layout title="Providers" viewer={props.viewer} section="providers">
      {props.done ? <Notice kind="ok">{props.done}</Notice> : null}
      {ops ? (
        <form class="filters" method="get" action={`${BASE}/providers`}>
          <SelectField id="owner" name="owner" label="Owner" options={ownerOptions(props.tenants)} value={props.owner} />
          <button type="submit">Show</button>
        </form>
      ) : null}
      <p>
        <a href={`${BASE}/providers/new`}>Add a provider</a>
      </p>
      {props.providers.length === 0 ? (
        <p>No providers{ops ? "" : ": this tenant's messages use the system defaults"}.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Channel</th>
              {ops ? <th scope="col">Owner</th> : null}
              <th scope="col" class="num">
                Priority
              </th>
              <th scope="col">Enabled</th>
              <th scope="col">Secret</th>
              <th scope="col">Circuit</th>
              <th scope="col">Recent failures</th>
            </tr>
          </thead>
          <tbody>
            {props.providers.map((p) => {
              const h = props.health.get(p.id) ?? { state: "unknown" };
              return (
                <tr>
                  <td>
                    <a href={`${BASE}/providers/${p.id}`}>{p.name}</a>
                  </td>
                  <td>{p.type}</td>
                  <td>{p.channel}</td>
                  {ops ? <td>{p.tenantId ? (tenantName.get(p.tenantId) ?? p.tenantId) : "system default"}</td> : null}
                  <td class="num">{p.priority}</td>
                  <td>{p.enabled ? "enabled" : "disabled"}</td>
                  <td>
                    <code>{p.mask || "—"}</code>
                  </td>
                  <td>
                    <span class={`status state-${h.state}`}>{h.state}</span>
                  </td>
                  <td>{failureRate(h)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
