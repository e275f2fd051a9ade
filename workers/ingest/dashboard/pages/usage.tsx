import type { ErrorDetail } from "../../../../shared/http/errors";
import { isOps } from "../../principal";
import type { UsageItem } from "../../services/usage";
import { Notice, SelectField, type TenantChoice, TextField, tenantOptions } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

type Props = {
  viewer: Viewer;
  filters: Record<string, string>;
  tenants: TenantChoice[];
  items: UsageItem[];
  errors?: ErrorDetail[];
};

const GROUPS = [
  { value: "day", label: "Day" },
  { value: "channel", label: "Channel" },
  { value: "provider", label: "Provider" },
];

/** Costs in each currency, summed over the items: one line per currency, never mixed. */
function totalsByCurrency(items: UsageItem[]) {
  const totals = new Map<string, { messages: number; segments: number; cost: number }>();
  for (const item of items) {
    const key = item.currency ?? "no cost";
    const total = totals.get(key) ?? { messages: 0, segments: 0, cost: 0 };
    totals.set(key, { messages: total.messages + item.messages, segments: total.segments + item.segments, cost: total.cost + item.cost });
  }
  return [...totals];
}

export function UsagePage(props: Props) {
  const { filters } = props;
  const ops = isOps(props.viewer.principal);
  const errorOf = (name: string) => props.errors?.find((e) => e.path === name)?.message;
  const groups = ops ? [...GROUPS, { value: "tenant", label: "Tenant" }] : GROUPS;
  const names = new Map(props.tenants.map((t) => [t.id, t.name]));
  return (
    <Layout title="Usage" viewer={props.viewer} section="usage">
      <form class="filters" method="get" action={`${BASE}/usage`}>
        {ops ? (
          <SelectField id="tenant" name="tenantId" label="Tenant" options={tenantOptions(props.tenants)} value={filters.tenantId} />
        ) : null}
        <SelectField id="group" name="groupBy" label="Group by" options={groups} value={filters.groupBy} error={errorOf("groupBy")} />
        <TextField id="from" name="from" label="Created from (UTC)" type="date" value={filters.from} error={errorOf("from")} />
        <TextField id="to" name="to" label="Created up to (UTC)" type="date" value={filters.to} error={errorOf("to")} />
        <button type="submit">Show</button>
      </form>
      {props.errors?.length ? (
        <Notice kind="error">The filters are not valid: {props.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}</Notice>
      ) : null}
      <p class="hint">Messages of both directions created in the range; cost as each message recorded it. Default: this month.</p>
      {props.items.length === 0 ? (
        <p>No messages in this range.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{groups.find((g) => g.value === (filters.groupBy || "day"))?.label}</th>
              <th scope="col">Messages</th>
              <th scope="col">SMS segments</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => (
              <tr>
                <td>{names.get(item.key) ?? item.key}</td>
                <td>{item.messages}</td>
                <td>{item.segments}</td>
                <td>{item.currency ? `${item.cost} ${item.currency}` : "—"}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            {totalsByCurrency(props.items).map(([currency, total]) => (
              <tr>
                <th scope="row">Total ({currency})</th>
                <td>{total.messages}</td>
                <td>{total.segments}</td>
                <td>{currency === "no cost" ? "—" : `${Math.round(total.cost * 1e6) / 1e6} ${currency}`}</td>
              </tr>
            ))}
          </tfoot>
        </table>
      )}
    </Layout>
  );
}
