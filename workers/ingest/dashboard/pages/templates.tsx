import { isOps } from "../../principal";
import type { TemplateView } from "../../services/templates";
import { Notice, type TenantChoice, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

export function TemplatesPage(props: { viewer: Viewer; templates: TemplateView[]; tenants: TenantChoice[]; done?: string }) {
  const ops = isOps(props.viewer.principal);
  const tenantName = new Map(props.tenants.map((t) => [t.id, t.name]));
  return (
    <Layout title="Templates" viewer={props.viewer} section="templates">
      {props.done ? <Notice kind="ok">{props.done}</Notice> : null}
      {ops ? (
        <p>Templates are written with a tenant's admin key; ops see every tenant's.</p>
      ) : (
        <p>
          <a href={`${BASE}/templates/new`}>New template</a>
        </p>
      )}
      {props.templates.length === 0 ? (
        <p>No templates yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Channel</th>
              {ops ? <th scope="col">Tenant</th> : null}
              <th scope="col" class="num">
                Version
              </th>
              <th scope="col">Locales</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {props.templates.map((t) => (
              <tr>
                <td>
                  <a href={`${BASE}/templates/${t.id}`}>{t.name}</a>
                </td>
                <td>{t.channel}</td>
                {ops ? <td>{tenantName.get(t.tenantId) ?? t.tenantId}</td> : null}
                <td class="num">{t.version}</td>
                <td>{[t.defaultLocale, ...Object.keys(t.locales)].join(", ")}</td>
                <td>
                  <Time iso={t.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
