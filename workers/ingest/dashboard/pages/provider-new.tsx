import { CHANNELS, PROVIDER_TYPES, type ProviderType } from "../../../../shared/domain/enums";
import type { ErrorDetail } from "../../../../shared/http/errors";
import type { ConfigField } from "../../../../shared/providers/provider";
import { PROVIDERS } from "../../../../shared/providers/registry";
import { isOps } from "../../principal";
import { CsrfField, Notice, SelectField, type TenantChoice, TextField } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

type Props = {
  viewer: Viewer;
  type?: ProviderType;
  tenants: TenantChoice[];
  values: Record<string, string>;
  error?: string;
  details?: ErrorDetail[];
};

const INPUT_TYPE = { text: "text", secret: "password", number: "number", url: "url" } as const;

/** One config field's input; `keepSecret` (editing a saved provider): a blank secret keeps the stored one. */
export function ConfigInput({
  spec,
  value,
  error,
  keepSecret,
}: {
  spec: ConfigField;
  value?: string;
  error?: string;
  keepSecret?: boolean;
}) {
  const id = `config-${spec.name}`;
  const name = `config.${spec.name}`;
  if (spec.kind === "select")
    return (
      <SelectField
        id={id}
        name={name}
        label={spec.label}
        options={(spec.options ?? []).map((o) => ({ value: o, label: o || "No" }))}
        value={value}
        error={error}
      />
    );
  return (
    <TextField
      id={id}
      name={name}
      label={spec.label}
      type={INPUT_TYPE[spec.kind]}
      // A secret is never sent back to the browser, not even the one just typed.
      value={spec.kind === "secret" ? undefined : value}
      required={spec.required && !(keepSecret && spec.kind === "secret")}
      autocomplete={spec.kind === "secret" ? "new-password" : "off"}
      hint={keepSecret && spec.kind === "secret" ? "Leave blank to keep the stored secret" : spec.hint}
      error={error}
    />
  );
}

function TypeChooser({ type }: { type?: ProviderType }) {
  return (
    <form class="filters" method="get" action={`${BASE}/providers/new`}>
      <SelectField
        id="type"
        name="type"
        label="Provider type"
        options={[{ value: "", label: "Choose…" }, ...PROVIDER_TYPES.map((t) => ({ value: t, label: t }))]}
        value={type}
      />
      <button type="submit">Show its fields</button>
    </form>
  );
}

export function NewProviderPage(props: Props) {
  const { type, values } = props;
  const errorOf = (path: string) => props.details?.find((d) => d.path === path)?.message;
  const fixedChannel = type ? PROVIDERS[type].channel : null;
  return (
    <Layout title="Add a provider" viewer={props.viewer} section="providers">
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <TypeChooser type={type} />
      {type ? (
        <form method="post" action={`${BASE}/providers`} class="stack">
          <h2>A {type} provider</h2>
          <CsrfField token={props.viewer.csrf} />
          <input type="hidden" name="type" value={type} />
          <TextField id="name" name="name" label="Name" value={values.name} required error={errorOf("name")} />
          {fixedChannel ? (
            <p>Channel: {fixedChannel}</p>
          ) : (
            <SelectField
              id="channel"
              name="channel"
              label="Channel"
              options={CHANNELS.map((c) => ({ value: c, label: c }))}
              value={values.channel}
              error={errorOf("channel")}
            />
          )}
          {isOps(props.viewer.principal) ? (
            <SelectField
              id="tenant"
              name="tenantId"
              label="Owner"
              options={[
                { value: "", label: "System default (tenants without their own provider)" },
                ...props.tenants.map((t) => ({ value: t.id, label: `${t.name} (${t.id})` })),
              ]}
              value={values.tenantId}
              error={errorOf("tenantId")}
            />
          ) : null}
          <TextField
            id="priority"
            name="priority"
            label="Priority (0 = primary)"
            type="number"
            value={values.priority ?? "0"}
            error={errorOf("priority")}
          />
          <p>
            <input type="checkbox" id="enabled" name="enabled" value="yes" checked={values.enabled !== "no"} />{" "}
            <label class="inline" for="enabled">
              Enabled
            </label>
          </p>
          <fieldset>
            <legend>{type} settings</legend>
            {PROVIDERS[type].config.form.map((spec) => (
              <ConfigInput spec={spec} value={values[`config.${spec.name}`]} error={errorOf(`config.${spec.name}`)} />
            ))}
            {errorOf("config") ? <p class="field-error">{errorOf("config")}</p> : null}
          </fieldset>
          <button type="submit">Add provider</button>
        </form>
      ) : null}
    </Layout>
  );
}
