import { ALERT_CHANNELS } from "../../../../shared/domain/alert-rule";
import { isOps } from "../../principal";
import type { AlertRuleView } from "../../services/alert-rules";
import { ConfirmBox, CsrfField, Notice, type Option, SelectField, type TenantChoice, TextField, Time, tenantOptions } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import type { ProviderView } from "../views";

export type AlertFormValues = Record<string, string>;
type Details = { path: string; message: string }[];

/** The condition in words, as the table and the rule's page show it. */
function condition(rule: AlertRuleView, providerName: (id: string | null) => string): string {
  if (rule.kind === "dead-letters") return `≥ ${rule.threshold} dead letters in ${rule.windowMinutes} min`;
  return `${providerName(rule.providerId)} failing ≥ ${rule.threshold}% of ≥ ${rule.minAttempts ?? 1} attempts in ${rule.windowMinutes} min`;
}

function StateCell({ rule }: { rule: AlertRuleView }) {
  if (!rule.enabled) return <span class="muted">disabled</span>;
  return <span class={`status ${rule.state === "firing" ? "status-failed" : "status-sent"}`}>{rule.state}</span>;
}

const providerLabel = (provider: ProviderView, tenantName: (id: string | null) => string) =>
  `${provider.name} (${provider.channel}, ${provider.tenantId ? tenantName(provider.tenantId) : "system"})`;

/** One form for adding and changing a rule: the kind is chosen once, at creation. */
export function AlertRuleForm(props: {
  viewer: Viewer;
  action: string;
  submit: string;
  tenants: TenantChoice[];
  providers: ProviderView[];
  values?: AlertFormValues;
  details?: Details;
  creating: boolean;
}) {
  const detail = (path: string) => props.details?.find((d) => d.path === path)?.message;
  const value = (name: string) => props.values?.[name];
  const tenantName = (id: string | null) => props.tenants.find((t) => t.id === id)?.name ?? id ?? "system";
  const providerOptions: Option[] = [
    { value: "", label: "— none (a dead-letter rule) —" },
    ...props.providers.map((provider) => ({ value: provider.id, label: providerLabel(provider, tenantName) })),
  ];
  return (
    <form method="post" action={props.action}>
      <CsrfField token={props.viewer.csrf} />
      {props.creating && isOps(props.viewer.principal) ? (
        <SelectField
          id="tenantId"
          name="tenantId"
          label="Tenant"
          options={tenantOptions(props.tenants, "Choose a tenant")}
          value={value("tenantId")}
          error={detail("tenantId")}
        />
      ) : null}
      <TextField id="name" name="name" label="Name" value={value("name")} error={detail("name")} required />
      {props.creating ? (
        <SelectField
          id="kind"
          name="kind"
          label="When"
          options={[
            { value: "dead-letters", label: "dead letters reach a number in the window" },
            { value: "provider-failures", label: "a provider's failure rate reaches a percentage" },
          ]}
          value={value("kind")}
          error={detail("kind")}
        />
      ) : null}
      <TextField
        id="threshold"
        name="threshold"
        type="number"
        label="Threshold"
        hint="dead letters, or a percentage of attempts failed"
        value={value("threshold")}
        error={detail("threshold")}
        required
      />
      <TextField
        id="windowMinutes"
        name="windowMinutes"
        type="number"
        label="Window (minutes, 10 to 1440)"
        value={value("windowMinutes") ?? "60"}
        error={detail("windowMinutes")}
      />
      <SelectField
        id="providerId"
        name="providerId"
        label="Provider watched"
        options={providerOptions}
        value={value("providerId")}
        error={detail("providerId")}
      />
      <TextField
        id="minAttempts"
        name="minAttempts"
        type="number"
        label="Minimum attempts (provider rules; default 10)"
        value={value("minAttempts")}
        error={detail("minAttempts")}
      />
      <SelectField
        id="notifyChannel"
        name="notify.channel"
        label="Notify by"
        options={ALERT_CHANNELS.map((channel) => ({ value: channel, label: channel }))}
        value={value("notify.channel")}
        error={detail("notify.channel")}
      />
      <TextField
        id="notifyTo"
        name="notify.to"
        label="Notify address"
        hint="email address, phone number, webhook receiver or chat"
        value={value("notify.to")}
        error={detail("notify.to")}
        required
      />
      <TextField
        id="cooldownMinutes"
        name="cooldownMinutes"
        type="number"
        label="Cool-down (minutes, 5 to 10080)"
        value={value("cooldownMinutes") ?? "60"}
        error={detail("cooldownMinutes")}
      />
      <button type="submit">{props.submit}</button>
    </form>
  );
}

type ListProps = {
  viewer: Viewer;
  rules: AlertRuleView[];
  tenants: TenantChoice[];
  providers: ProviderView[];
  values?: AlertFormValues;
  error?: string;
  details?: Details;
  done?: string;
};

export function AlertsPage(props: ListProps) {
  const ops = isOps(props.viewer.principal);
  const tenantName = (id: string | null) => props.tenants.find((t) => t.id === id)?.name ?? id ?? "system";
  const providerName = (id: string | null) => props.providers.find((p) => p.id === id)?.name ?? "a deleted provider";
  return (
    <Layout title="Alerts" viewer={props.viewer} section="alerts">
      {props.done ? <Notice kind="ok">{props.done}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <p>
        Once a minute Relay checks each rule. Crossing its threshold sends one notification, an ordinary message of the tenant through its
        own providers; nothing more is sent while the condition holds, nor within the cool-down after a notification.
      </p>
      {props.rules.length === 0 ? (
        <p>No alert rules yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              {ops ? <th scope="col">Tenant</th> : null}
              <th scope="col">Condition</th>
              <th scope="col">Notify</th>
              <th scope="col">State</th>
              <th scope="col">Last notification</th>
            </tr>
          </thead>
          <tbody>
            {props.rules.map((rule) => (
              <tr>
                <td>
                  <a href={`${BASE}/alerts/${rule.id}`}>{rule.name}</a>
                </td>
                {ops ? <td>{tenantName(rule.tenantId)}</td> : null}
                <td>{condition(rule, providerName)}</td>
                <td>
                  {rule.notify.channel}: {rule.notify.to}
                </td>
                <td>
                  <StateCell rule={rule} />
                </td>
                <td>
                  {rule.lastMessageId ? (
                    <a href={`${BASE}/messages/${rule.lastMessageId}`}>
                      <Time iso={rule.lastFiredAt} />
                    </a>
                  ) : (
                    "never"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a rule</h2>
      <AlertRuleForm
        viewer={props.viewer}
        action={`${BASE}/alerts`}
        submit="Add rule"
        tenants={props.tenants}
        providers={props.providers}
        values={props.values}
        details={props.details}
        creating
      />
    </Layout>
  );
}

type RuleProps = {
  viewer: Viewer;
  rule: AlertRuleView;
  tenants: TenantChoice[];
  providers: ProviderView[];
  values?: AlertFormValues;
  error?: string;
  details?: Details;
  done?: string;
};

/** A rule's form values as they are stored, for its edit form. */
export function formValuesOf(rule: AlertRuleView): AlertFormValues {
  return {
    name: rule.name,
    threshold: String(rule.threshold),
    windowMinutes: String(rule.windowMinutes),
    providerId: rule.providerId ?? "",
    minAttempts: rule.minAttempts === null ? "" : String(rule.minAttempts),
    "notify.channel": rule.notify.channel,
    "notify.to": rule.notify.to,
    cooldownMinutes: String(rule.cooldownMinutes),
  };
}

export function AlertRulePage(props: RuleProps) {
  const { rule } = props;
  const tenantName = (id: string | null) => props.tenants.find((t) => t.id === id)?.name ?? id ?? "system";
  const providerName = (id: string | null) => props.providers.find((p) => p.id === id)?.name ?? "a deleted provider";
  return (
    <Layout title={`Alert: ${rule.name}`} viewer={props.viewer} section="alerts">
      {props.done ? <Notice kind="ok">{props.done}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <dl class="facts">
        <dt>Tenant</dt>
        <dd>{tenantName(rule.tenantId)}</dd>
        <dt>Condition</dt>
        <dd>{condition(rule, providerName)}</dd>
        <dt>State</dt>
        <dd>
          <StateCell rule={rule} />
        </dd>
        <dt>Last notification</dt>
        <dd>
          {rule.lastMessageId ? (
            <a href={`${BASE}/messages/${rule.lastMessageId}`}>
              <Time iso={rule.lastFiredAt} />
            </a>
          ) : (
            "never"
          )}
          {rule.lastValue === null ? null : ` (measured ${rule.lastValue})`}
        </dd>
        <dt>Cool-down</dt>
        <dd>{rule.cooldownMinutes} min</dd>
      </dl>
      <form method="post" action={`${BASE}/alerts/${rule.id}/enabled`}>
        <CsrfField token={props.viewer.csrf} />
        <input type="hidden" name="enabled" value={rule.enabled ? "false" : "true"} />
        <button type="submit" class="secondary">
          {rule.enabled ? "Disable" : "Enable"}
        </button>
      </form>
      <h2>Change</h2>
      <AlertRuleForm
        viewer={props.viewer}
        action={`${BASE}/alerts/${rule.id}`}
        submit="Save changes"
        tenants={props.tenants}
        providers={props.providers}
        values={props.values ?? formValuesOf(rule)}
        details={props.details}
        creating={false}
      />
      <form method="post" action={`${BASE}/alerts/${rule.id}/delete`}>
        <h2>Delete</h2>
        <CsrfField token={props.viewer.csrf} />
        <ConfirmBox id="confirm-delete">I understand: "{rule.name}" stops watching at once.</ConfirmBox>
        <button type="submit" class="danger">
          Delete rule
        </button>
      </form>
    </Layout>
  );
}
