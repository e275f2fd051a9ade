import { ConfirmBox, CsrfField, Notice, SelectField } from "../components";
import { BASE, type Viewer } from "../context";
import { withFilters } from "../dead-letter-filters";
import { Layout } from "../layout";
import type { ProviderHealth } from "../provider-health";
import type { ProviderView } from "../views";

type Props = {
  viewer: Viewer;
  action: "redrive" | "discard";
  filters: Record<string, string>;
  matched: number;
  providers: ProviderView[];
  health: Map<string, ProviderHealth>;
  names: { tenant?: string; provider?: string };
};

function FilterSummary({ filters, names }: Pick<Props, "filters" | "names">) {
  const parts = [
    filters.tenantId ? `tenant ${names.tenant ?? filters.tenantId}` : undefined,
    filters.providerId ? `last provider tried ${names.provider ?? filters.providerId}` : undefined,
    filters.q ? `error containing “${filters.q}”` : undefined,
    filters.since ? `dead-lettered from ${filters.since}` : undefined,
    filters.until ? `up to ${filters.until}` : undefined,
  ].filter(Boolean);
  return <p>Matching: every waiting dead letter{parts.length > 0 ? ` with ${parts.join(", ")}` : ""}.</p>;
}

/** Before a filter-wide redrive: which providers' circuits are open, and a provider to send to instead. */
function CircuitWarning({ providers, health }: Pick<Props, "providers" | "health">) {
  const open = providers.filter((p) => p.enabled && (health.get(p.id)?.state === "open" || health.get(p.id)?.state === "half-open"));
  if (open.length === 0) return <Notice kind="ok">No enabled provider has an open circuit.</Notice>;
  return (
    <Notice kind="error">
      Open circuit: {open.map((p) => `${p.name} (${health.get(p.id)?.state})`).join(", ")}. Messages redriven now skip{" "}
      {open.length === 1 ? "it" : "them"} and fail over, or go back to the dead letters when no other provider takes them. Redrive to a
      healthy provider below, or wait until the circuit closes.
    </Notice>
  );
}

export function DeadLetterBulkPage(props: Props) {
  const { viewer, filters, action } = props;
  const back = withFilters(`${BASE}/dead-letters`, filters);
  const targets = props.providers.filter((p) => p.enabled);
  const targetOptions = [
    { value: "", label: "Each message's usual providers, in priority order" },
    ...targets.map((p) => ({ value: p.id, label: `${p.name} — ${p.channel}, circuit ${props.health.get(p.id)?.state ?? "unknown"}` })),
  ];
  return (
    <Layout title={action === "redrive" ? "Redrive every match" : "Discard every match"} viewer={viewer} section="dead-letters">
      <FilterSummary filters={filters} names={props.names} />
      <p>
        <strong>{props.matched}</strong> dead letters match now.
      </p>
      {action === "redrive" ? <CircuitWarning providers={props.providers} health={props.health} /> : null}
      <form method="post" action={`${BASE}/dead-letters/bulk`} class="stack">
        <CsrfField token={viewer.csrf} />
        <input type="hidden" name="action" value={action} />
        {Object.entries(filters).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        {action === "redrive" ? (
          <SelectField id="target" name="targetProviderId" label="Send through" options={targetOptions} value="" />
        ) : null}
        <ConfirmBox id="confirm-bulk-all">
          {action === "redrive"
            ? `I understand: all ${props.matched} messages go back on the delivery queue and are sent again.`
            : `I understand: all ${props.matched} dead letters are closed and their messages stay failed.`}
        </ConfirmBox>
        <p class="actions-row">
          <button type="submit" class={action === "discard" ? "danger" : undefined}>
            {action === "redrive" ? `Redrive all ${props.matched}` : `Discard all ${props.matched}`}
          </button>{" "}
          <a href={back}>Wait: back to the dead letters</a>
        </p>
      </form>
    </Layout>
  );
}
