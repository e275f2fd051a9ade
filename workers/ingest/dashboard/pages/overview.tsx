import type { SecretHealth } from "../../../../shared/crypto/secret-canary";
import { CHANNELS, MESSAGE_STATUSES } from "../../../../shared/domain/enums";
import { isOps } from "../../principal";
import type { Overview, StatusChannelCount } from "../../services/overview";
import { SelectField, Status, type TenantChoice, tenantOptions } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import { failureRate, type ProviderHealth } from "../provider-health";
import type { ProviderView } from "../views";
import { HourlyChart } from "./hourly-chart";

type Props = {
  viewer: Viewer;
  data: Overview;
  providers: ProviderView[];
  health: Map<string, ProviderHealth>;
  secrets: SecretHealth;
  tenants: TenantChoice[];
  tenantId: string | null;
};

function CountsTable({
  caption,
  counts,
  pick,
}: {
  caption: string;
  counts: StatusChannelCount[];
  pick: (c: StatusChannelCount) => number;
}) {
  const cell = (status: string, channel?: string) =>
    counts.filter((c) => c.status === status && (!channel || c.channel === channel)).reduce((sum, c) => sum + pick(c), 0);
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Status</th>
          {CHANNELS.map((channel) => (
            <th scope="col" class="num">
              {channel}
            </th>
          ))}
          <th scope="col" class="num">
            All channels
          </th>
        </tr>
      </thead>
      <tbody>
        {MESSAGE_STATUSES.map((status) => (
          <tr>
            <th scope="row">
              <Status status={status} />
            </th>
            {CHANNELS.map((channel) => (
              <td class="num">{cell(status, channel)}</td>
            ))}
            <td class="num">{cell(status)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HealthTable({
  providers,
  health,
  tenants,
}: {
  providers: ProviderView[];
  health: Map<string, ProviderHealth>;
  tenants: TenantChoice[];
}) {
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  if (providers.length === 0) return <p>No providers.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Provider</th>
          <th scope="col">Type</th>
          <th scope="col">Channel</th>
          <th scope="col">Owner</th>
          <th scope="col">Enabled</th>
          <th scope="col">Circuit</th>
          <th scope="col">Recent failures</th>
        </tr>
      </thead>
      <tbody>
        {providers.map((p) => {
          const h = health.get(p.id) ?? { state: "unknown" };
          return (
            <tr>
              <td>
                <a href={`${BASE}/providers/${p.id}`}>{p.name}</a>
              </td>
              <td>{p.type}</td>
              <td>{p.channel}</td>
              <td>{p.tenantId ? (tenantName.get(p.tenantId) ?? p.tenantId) : "system default"}</td>
              <td>{p.enabled ? "yes" : "no"}</td>
              <td>
                <span class={`status state-${h.state}`}>{h.state}</span>
              </td>
              <td>{failureRate(h)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function OverviewPage(props: Props) {
  const { data } = props;
  const sum = (status: string) => data.hourly.reduce((n, h) => n + (status === "sent" ? h.sent : h.failed), 0);
  return (
    <Layout title="Overview" viewer={props.viewer} section="overview">
      {isOps(props.viewer.principal) ? (
        <form class="filters" method="get" action={BASE}>
          <SelectField id="tenant" name="tenantId" label="Tenant" options={tenantOptions(props.tenants)} value={props.tenantId ?? ""} />
          <button type="submit">Show</button>
        </form>
      ) : null}
      {props.secrets.ok ? null : (
        <p class="notice error" role="alert">
          Encryption secret: {props.secrets.message}. Provider credentials sealed by another worker cannot be opened here; set the same
          ENCRYPTION_SECRET on every worker.
        </p>
      )}
      <div class="cards">
        <p class="card">
          Dead letters waiting <strong>{data.deadLetters}</strong>
          <a href={`${BASE}/dead-letters`}>Open dead letters</a>
        </p>
        <p class="card">
          Sent, last 24 h <strong>{sum("sent")}</strong>
        </p>
        <p class="card">
          Failed, last 24 h <strong>{sum("failed")}</strong>
        </p>
      </div>
      <h2>Messages by status and channel</h2>
      <CountsTable caption="Created in the last 24 hours" counts={data.counts} pick={(c) => c.lastDay} />
      <CountsTable caption="Created in the last 7 days" counts={data.counts} pick={(c) => c.lastWeek} />
      <h2>Sent and failed per hour</h2>
      <HourlyChart hours={data.hourly} />
      <h2>Provider health</h2>
      <HealthTable providers={props.providers} health={props.health} tenants={props.tenants} />
    </Layout>
  );
}
