import { CHANNELS, MESSAGE_STATUSES } from "../../../../shared/domain/enums";
import type { ErrorDetail } from "../../../../shared/http/errors";
import { isOps } from "../../principal";
import { Notice, Pager, SelectField, Status, type TenantChoice, TextField, Time, tenantOptions } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import type { MessageView } from "../views";

type Props = {
  viewer: Viewer;
  filters: Record<string, string>;
  tenants: TenantChoice[];
  items: MessageView[];
  nextCursor: string | null;
  errors?: ErrorDetail[];
};

const any = (values: readonly string[]) => [{ value: "", label: "Any" }, ...values.map((value) => ({ value, label: value }))];

export function MessagesPage(props: Props) {
  const { filters } = props;
  const tenantName = new Map(props.tenants.map((t) => [t.id, t.name]));
  const ops = isOps(props.viewer.principal);
  const errorOf = (name: string) => props.errors?.find((e) => e.path === name)?.message;
  return (
    <Layout title="Messages" viewer={props.viewer} section="messages">
      <form class="filters" method="get" action={`${BASE}/messages`}>
        {ops ? (
          <SelectField id="tenant" name="tenantId" label="Tenant" options={tenantOptions(props.tenants)} value={filters.tenantId} />
        ) : null}
        <SelectField
          id="status"
          name="status"
          label="Status"
          options={any(MESSAGE_STATUSES)}
          value={filters.status}
          error={errorOf("status")}
        />
        <SelectField
          id="channel"
          name="channel"
          label="Channel"
          options={any(CHANNELS)}
          value={filters.channel}
          error={errorOf("channel")}
        />
        <TextField id="to" name="to" label="Recipient" type="search" value={filters.to} error={errorOf("to")} />
        <TextField id="since" name="since" label="Created from (UTC)" type="date" value={filters.since} error={errorOf("since")} />
        <TextField id="until" name="until" label="Created up to (UTC)" type="date" value={filters.until} error={errorOf("until")} />
        <button type="submit">Filter</button>
      </form>
      {props.errors?.length ? (
        <Notice kind="error">The filters are not valid: {props.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}</Notice>
      ) : null}
      {props.items.length === 0 ? (
        <p>No messages match.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Message</th>
              {ops ? <th scope="col">Tenant</th> : null}
              <th scope="col">Channel</th>
              <th scope="col">Recipient</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((m) => (
              <tr>
                <td>
                  <a href={`${BASE}/messages/${m.id}`}>
                    <code>{m.id}</code>
                  </a>
                </td>
                {ops ? <td>{tenantName.get(m.tenantId) ?? m.tenantId}</td> : null}
                <td>{m.channel}</td>
                <td>{m.to}</td>
                <td>
                  <Status status={m.status} />
                </td>
                <td>
                  <Time iso={m.createdAt} />
                </td>
                <td class="num">{m.attempts}</td>
                <td>{m.lastError ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path={`${BASE}/messages`} query={filters} nextCursor={props.nextCursor} />
    </Layout>
  );
}
