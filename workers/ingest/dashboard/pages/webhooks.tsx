import { EVENT_TYPES } from "../../../../shared/events/event-types";
import { isOps } from "../../principal";
import type { endpointView } from "../../services/webhook-endpoints";
import { CsrfField, Notice, SelectField, type TenantChoice, TextField, tenantOptions } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

export type EndpointView = ReturnType<typeof endpointView>;

type Props = {
  viewer: Viewer;
  endpoints: EndpointView[];
  tenants: TenantChoice[];
  values?: Record<string, string>;
  error?: string;
  details?: { path: string; message: string }[];
  done?: string;
};

function EventTypeBoxes({ chosen }: { chosen: string[] }) {
  return (
    <fieldset>
      <legend>Event types (none ticked: every type)</legend>
      {EVENT_TYPES.map((type) => (
        <p>
          <input type="checkbox" id={`type-${type}`} name="eventTypes" value={type} checked={chosen.includes(type)} />{" "}
          <label class="inline" for={`type-${type}`}>
            <code>{type}</code>
          </label>
        </p>
      ))}
    </fieldset>
  );
}

export function WebhooksPage(props: Props) {
  const ops = isOps(props.viewer.principal);
  const detail = (path: string) => props.details?.find((d) => d.path === path)?.message;
  const tenantName = new Map(props.tenants.map((t) => [t.id, t.name]));
  return (
    <Layout title="Webhook endpoints" viewer={props.viewer} section="webhooks">
      {props.done ? <Notice kind="ok">{props.done}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <p>Relay posts message events to these URLs, signed per Standard Webhooks with each endpoint's own secret.</p>
      {props.endpoints.length === 0 ? (
        <p>No webhook endpoints yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">URL</th>
              {ops ? <th scope="col">Tenant</th> : null}
              <th scope="col">Event types</th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Failures in a row
              </th>
            </tr>
          </thead>
          <tbody>
            {props.endpoints.map((endpoint) => (
              <tr>
                <td>
                  <a href={`${BASE}/webhooks/${endpoint.id}`}>{endpoint.url}</a>
                  {endpoint.description ? <div class="muted">{endpoint.description}</div> : null}
                </td>
                {ops ? <td>{tenantName.get(endpoint.tenantId) ?? endpoint.tenantId}</td> : null}
                <td>{endpoint.eventTypes.length === 0 ? "every type" : endpoint.eventTypes.join(", ")}</td>
                <td>{endpoint.enabled ? "enabled" : `disabled (${endpoint.disabledReason ?? "by a user"})`}</td>
                <td class="num">{endpoint.consecutiveFailures}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form method="post" action={`${BASE}/webhooks`}>
        <h2>Add an endpoint</h2>
        <CsrfField token={props.viewer.csrf} />
        {ops ? (
          <SelectField
            id="tenantId"
            name="tenantId"
            label="Tenant"
            options={tenantOptions(props.tenants, "Choose a tenant")}
            value={props.values?.tenantId}
            error={detail("tenantId")}
          />
        ) : null}
        <TextField id="url" name="url" type="url" label="URL (https)" value={props.values?.url} error={detail("url")} required />
        <TextField
          id="description"
          name="description"
          label="Description (optional)"
          value={props.values?.description}
          error={detail("description")}
        />
        <EventTypeBoxes chosen={(props.values?.eventTypes ?? "").split(",").filter(Boolean)} />
        <button type="submit">Add endpoint</button>
      </form>
    </Layout>
  );
}
