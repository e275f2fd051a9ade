import type { DeadLetterRow } from "../../../../shared/db/schema";
import type { ErrorDetail } from "../../../../shared/http/errors";
import { isOps } from "../../principal";
import type { RedriveOutcome } from "../../services/dead-letters";
import { ageOf, ConfirmBox, CsrfField, Notice, Pager, SelectField, type TenantChoice, TextField, tenantOptions } from "../components";
import { BASE, type Viewer } from "../context";
import { withFilters } from "../dead-letter-filters";
import { Layout } from "../layout";
import type { ProviderView } from "../views";

type Props = {
  viewer: Viewer;
  filters: Record<string, string>;
  tenants: TenantChoice[];
  providers: ProviderView[];
  items: DeadLetterRow[];
  nextCursor: string | null;
  errors?: ErrorDetail[];
  outcomes?: RedriveOutcome[];
};

const STATES = [
  { value: "pending", label: "Waiting (not redriven or discarded)" },
  { value: "redriven", label: "Redriven" },
  { value: "discarded", label: "Discarded" },
  { value: "all", label: "All" },
];

const OUTCOME_TEXT: Record<RedriveOutcome["outcome"], string> = {
  redriven: "redriven: queued again",
  not_found: "not found",
  not_redrivable: "not redriven",
  unavailable: "not redriven: the delivery queue is unavailable, try again",
};

function Outcomes({ outcomes }: { outcomes: RedriveOutcome[] }) {
  const redriven = outcomes.filter((o) => o.outcome === "redriven").length;
  return (
    <section aria-labelledby="outcomes">
      <h2 id="outcomes">Result of the redrive</h2>
      <Notice kind={redriven === outcomes.length ? "ok" : "error"}>
        {redriven} of {outcomes.length} redriven.
      </Notice>
      <table>
        <thead>
          <tr>
            <th scope="col">Dead letter</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {outcomes.map((o) => (
            <tr>
              <td>
                <a href={`${BASE}/dead-letters/${o.id}`}>
                  <code>{o.id}</code>
                </a>
              </td>
              <td>{o.message ? `${OUTCOME_TEXT[o.outcome]} (${o.message})` : OUTCOME_TEXT[o.outcome]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Above the table, so they never sit under 50 rows: the selection, the whole page, or everything matching. */
function BulkActions({ filters, count }: { filters: Record<string, string>; count: number }) {
  const { cursor: _cursor, state: _state, ...matchFilters } = filters;
  const everything = (action: "redrive" | "discard") => withFilters(`${BASE}/dead-letters/bulk`, { ...matchFilters, action });
  return (
    <div class="bulk-actions">
      <ConfirmBox id="confirm-bulk">I understand: the chosen messages go back on the delivery queue and are sent again.</ConfirmBox>
      <p class="actions-row">
        <button type="submit" name="scope" value="selected">
          Redrive selected
        </button>{" "}
        <button type="submit" name="scope" value="page" class="secondary">
          Redrive all {count} on this page
        </button>
      </p>
      <p class="actions-row">
        Everything matching this filter, on every page: <a href={everything("redrive")}>Redrive all…</a>{" "}
        <a href={everything("discard")}>Discard all…</a>
      </p>
    </div>
  );
}

export function DeadLettersPage(props: Props) {
  const { filters, viewer } = props;
  const ops = isOps(viewer.principal);
  const providerName = new Map(props.providers.map((p) => [p.id, p.name]));
  const tenantName = new Map(props.tenants.map((t) => [t.id, t.name]));
  const providerOptions = [
    { value: "", label: "Any" },
    ...props.providers.map((p) => ({ value: p.id, label: `${p.name} (${p.channel})` })),
  ];
  const waiting = (filters.state ?? "pending") === "pending";
  return (
    <Layout title="Dead letters" viewer={viewer} section="dead-letters">
      {props.outcomes ? <Outcomes outcomes={props.outcomes} /> : null}
      <form class="filters" method="get" action={`${BASE}/dead-letters`}>
        {ops ? (
          <SelectField id="tenant" name="tenantId" label="Tenant" options={tenantOptions(props.tenants)} value={filters.tenantId} />
        ) : null}
        <SelectField id="provider" name="providerId" label="Provider" options={providerOptions} value={filters.providerId} />
        <TextField id="q" name="q" label="Error contains" type="search" value={filters.q} />
        <SelectField id="state" name="state" label="State" options={STATES} value={filters.state ?? "pending"} />
        <TextField id="since" name="since" label="Dead-lettered from" type="date" value={filters.since} />
        <TextField id="until" name="until" label="Up to" type="date" value={filters.until} />
        <button type="submit">Filter</button>
      </form>
      {props.errors?.length ? (
        <Notice kind="error">The filters are not valid: {props.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}</Notice>
      ) : null}
      {props.items.length === 0 ? (
        <p>No dead letters match.</p>
      ) : (
        <form method="post" action={`${BASE}/dead-letters/redrive`}>
          <CsrfField token={viewer.csrf} />
          {Object.entries(filters)
            .filter(([name]) => name !== "cursor")
            .map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
          {props.items.map((d) => (
            <input type="hidden" name="pageIds" value={d.id} />
          ))}
          {waiting ? <BulkActions filters={filters} count={props.items.length} /> : null}
          <table>
            <thead>
              <tr>
                <th scope="col">Select</th>
                <th scope="col">Dead letter</th>
                <th scope="col">Message</th>
                {ops ? <th scope="col">Tenant</th> : null}
                <th scope="col">Last provider</th>
                <th scope="col">Error</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Age</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((d) => (
                <tr>
                  <td>
                    <input type="checkbox" id={`select-${d.id}`} name="ids" value={d.id} />
                    <label class="visually-hidden" for={`select-${d.id}`}>
                      Select {d.id}
                    </label>
                  </td>
                  <td>
                    <a href={`${BASE}/dead-letters/${d.id}`}>
                      <code>{d.id}</code>
                    </a>
                  </td>
                  <td>
                    <a href={`${BASE}/messages/${d.messageId}`}>
                      <code>{d.messageId}</code>
                    </a>
                  </td>
                  {ops ? <td>{tenantName.get(d.tenantId) ?? d.tenantId}</td> : null}
                  <td>{d.providerId ? (providerName.get(d.providerId) ?? d.providerId) : "—"}</td>
                  <td>{d.lastError ?? "—"}</td>
                  <td class="num">{d.attempts}</td>
                  <td>{ageOf(d.deadLetteredAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </form>
      )}
      <Pager path={`${BASE}/dead-letters`} query={filters} nextCursor={props.nextCursor} />
    </Layout>
  );
}
