import type { ErrorDetail } from "../../../../shared/http/errors";
import { PROVIDERS } from "../../../../shared/providers/registry";
import { ConfirmBox, CsrfField, Notice, Pretty, TextField, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import { failureRate, hourlyHealth, type ProviderHealth } from "../provider-health";
import type { ProviderView } from "../views";
import { BreakerHistory, ProviderHealthChart } from "./provider-health-chart";
import { ConfigInput } from "./provider-new";

export type CheckOutcome = { ok: boolean; message: string; latencyMs: number };

/** The URLs to paste at the provider and the steps; `urls` is null when the webhooks worker's public URL is not configured. */
export type SetupView = { urls: { label: string; url: string }[] | null; steps: readonly string[] };

/** The settings form: the stored non-secret values (or what was typed, after an error); null when the config cannot be opened. */
export type SettingsView = { values: Record<string, string>; error?: string; details?: ErrorDetail[] } | null;

type Props = {
  viewer: Viewer;
  provider: ProviderView;
  ownerName?: string;
  health: ProviderHealth;
  setup?: SetupView;
  settings: SettingsView;
  check?: CheckOutcome;
  done?: string;
};

function SetupSection({ setup }: { setup: SetupView }) {
  return (
    <section aria-labelledby="setup-heading">
      <h2 id="setup-heading">Set up at the provider</h2>
      {setup.urls ? (
        <dl class="facts callback-urls">
          {setup.urls.map((entry) => (
            <>
              <dt>{entry.label}</dt>
              <dd>
                <code>{entry.url}</code>
              </dd>
            </>
          ))}
        </dl>
      ) : (
        <Notice kind="info">The webhooks worker's public URL (WEBHOOKS_PUBLIC_URL) is not set, so the callback URL cannot be shown.</Notice>
      )}
      <ol>
        {setup.steps.map((step) => (
          <li>{step}</li>
        ))}
      </ol>
    </section>
  );
}

function SettingsForm({ viewer, provider, settings }: { viewer: Viewer; provider: ProviderView; settings: SettingsView }) {
  if (!settings)
    return (
      <Notice kind="error">
        The stored credentials cannot be decrypted; replace the whole config with PATCH /v1/providers/{provider.id}.
      </Notice>
    );
  const errorOf = (path: string) => settings.details?.find((d) => d.path === path)?.message;
  return (
    <form method="post" action={`${BASE}/providers/${provider.id}/settings`} class="stack">
      <h2 id="settings">Settings</h2>
      {settings.error ? <Notice kind="error">{settings.error}</Notice> : null}
      <CsrfField token={viewer.csrf} />
      <p class="hint">Secrets are write-only: leave them blank to keep the stored ones.</p>
      <TextField
        id="settings-name"
        name="name"
        label="Name"
        value={settings.values.name ?? provider.name}
        required
        error={errorOf("name")}
      />
      {PROVIDERS[provider.type].config.form.map((spec) => (
        <ConfigInput spec={spec} value={settings.values[`config.${spec.name}`]} error={errorOf(`config.${spec.name}`)} keepSecret />
      ))}
      <button type="submit">Save settings</button>
    </form>
  );
}

function CheckResult({ check }: { check: CheckOutcome }) {
  return (
    <Notice kind={check.ok ? "ok" : "error"}>
      {check.ok ? "Connection test passed" : "Connection test failed"}: {check.message} ({check.latencyMs} ms)
    </Notice>
  );
}

function HealthSection({ health }: { health: ProviderHealth }) {
  if (!health.status) return <p>Health: unknown (the dispatch worker's provider guard did not answer).</p>;
  return (
    <section aria-labelledby="health-heading">
      <h2 id="health-heading">Health, last 24 hours</h2>
      <ProviderHealthChart hours={hourlyHealth(health.status)} />
      <h2>Circuit breaker history</h2>
      <BreakerHistory history={health.status.history} />
    </section>
  );
}

export function ProviderPage({ viewer, provider, ownerName, health, setup, settings, check, done }: Props) {
  const action = (verb: string) => `${BASE}/providers/${provider.id}/${verb}`;
  return (
    <Layout title={`Provider ${provider.name}`} viewer={viewer} section="providers">
      {done ? <Notice kind="ok">{done}</Notice> : null}
      {check ? <CheckResult check={check} /> : null}
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{provider.id}</code>
        </dd>
        <dt>Type</dt>
        <dd>{provider.type}</dd>
        <dt>Channel</dt>
        <dd>{provider.channel}</dd>
        <dt>Owner</dt>
        <dd>{provider.tenantId ? (ownerName ?? provider.tenantId) : "system default"}</dd>
        <dt>State</dt>
        <dd>{provider.enabled ? "enabled" : "disabled"}</dd>
        <dt>Priority</dt>
        <dd>{provider.priority} (0 is the primary; higher numbers are fallbacks in order)</dd>
        <dt>Secret</dt>
        <dd>
          <code>{provider.mask || "—"}</code> (secrets are write-only)
        </dd>
        <dt>Circuit</dt>
        <dd>
          <span class={`status state-${health.state}`}>{health.state}</span>
          {health.status?.openedAt ? (
            <>
              {" "}
              since <Time iso={health.status.openedAt} />
            </>
          ) : null}
          ; {failureRate(health)}
        </dd>
        <dt>Created</dt>
        <dd>
          <Time iso={provider.createdAt} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <Time iso={provider.updatedAt} />
        </dd>
      </dl>
      {setup ? <SetupSection setup={setup} /> : null}
      <HealthSection health={health} />
      {Object.keys(provider.metadata).length > 0 ? (
        <details>
          <summary>Metadata</summary>
          <Pretty value={provider.metadata} />
        </details>
      ) : null}
      <SettingsForm viewer={viewer} provider={provider} settings={settings} />
      <div class="actions">
        <form method="post" action={action("test")}>
          <h2>Test connection</h2>
          <CsrfField token={viewer.csrf} />
          <p>Checks the credentials with the provider; nothing is sent.</p>
          <button type="submit">Test connection</button>
        </form>
        <form method="post" action={action("enabled")}>
          <h2>{provider.enabled ? "Disable" : "Enable"}</h2>
          <CsrfField token={viewer.csrf} />
          <input type="hidden" name="enabled" value={provider.enabled ? "false" : "true"} />
          <button type="submit" class={provider.enabled ? "secondary" : undefined}>
            {provider.enabled ? "Disable" : "Enable"}
          </button>
        </form>
        <form method="post" action={action("priority")}>
          <h2>Priority</h2>
          <CsrfField token={viewer.csrf} />
          <p>
            <label for="priority">Priority (0 = primary)</label>
            <input id="priority" name="priority" type="number" min="0" max="100" value={String(provider.priority)} required />
          </p>
          <button type="submit">Change priority</button>
        </form>
        <form method="post" action={action("delete")}>
          <h2>Delete</h2>
          <CsrfField token={viewer.csrf} />
          <ConfirmBox id="confirm-delete">I understand: this provider and its credentials are deleted.</ConfirmBox>
          <button type="submit" class="danger">
            Delete provider
          </button>
        </form>
      </div>
    </Layout>
  );
}
