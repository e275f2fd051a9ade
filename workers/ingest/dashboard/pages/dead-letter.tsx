import type { DeadLetterRow } from "../../../../shared/db/schema";
import type { ProviderAttempts } from "../../services/provider-attempts";
import { ageOf, ConfirmBox, CsrfField, Notice, Pretty, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

export function deadLetterState(d: DeadLetterRow): "waiting" | "redriven" | "discarded" {
  return d.discardedAt ? "discarded" : d.redrivenAt ? "redriven" : "waiting";
}

function ProvidersTried({ attempts }: { attempts: ProviderAttempts[] }) {
  if (attempts.length === 0) return <p>No provider was called for this message (none was enabled, or every circuit was open).</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Provider</th>
          <th scope="col" class="num">
            Calls
          </th>
          <th scope="col">Last error</th>
          <th scope="col">Last called</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr>
            <td>
              <a href={`${BASE}/providers/${a.providerId}`}>{a.providerName ?? `${a.providerId} (deleted)`}</a>
            </td>
            <td class="num">{a.attempts}</td>
            <td>{a.lastError ?? "sent"}</td>
            <td>
              <Time iso={a.lastAttemptAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Props = {
  viewer: Viewer;
  letter: DeadLetterRow;
  attempts: ProviderAttempts[];
  providerName?: string;
  tenantName?: string;
  done?: string;
};

export function DeadLetterPage({ viewer, letter, attempts, providerName, tenantName, done }: Props) {
  const action = (verb: string) => `${BASE}/dead-letters/${letter.id}/${verb}`;
  return (
    <Layout title={`Dead letter ${letter.id}`} viewer={viewer} section="dead-letters">
      {done ? <Notice kind="ok">{done}</Notice> : null}
      <dl class="facts">
        <dt>State</dt>
        <dd>{deadLetterState(letter)}</dd>
        <dt>Message</dt>
        <dd>
          <a href={`${BASE}/messages/${letter.messageId}`}>{letter.messageId}</a>
        </dd>
        <dt>Tenant</dt>
        <dd>{tenantName ?? letter.tenantId}</dd>
        <dt>Last provider tried</dt>
        <dd>{letter.providerId ? <a href={`${BASE}/providers/${letter.providerId}`}>{providerName ?? letter.providerId}</a> : "—"}</dd>
        <dt>Error</dt>
        <dd>{letter.lastError ?? "—"}</dd>
        <dt>Delivery rounds</dt>
        <dd>{letter.attempts}</dd>
        <dt>Dead-lettered</dt>
        <dd>
          <Time iso={letter.deadLetteredAt} /> ({ageOf(letter.deadLetteredAt)} ago)
        </dd>
        <dt>Redriven</dt>
        <dd>
          <Time iso={letter.redrivenAt} />
        </dd>
        <dt>Discarded</dt>
        <dd>
          <Time iso={letter.discardedAt} />
        </dd>
      </dl>
      <h2>Providers tried</h2>
      <ProvidersTried attempts={attempts} />
      <details open>
        <summary>Payload as it reached the dead-letter queue</summary>
        <Pretty value={letter.body} />
      </details>
      {deadLetterState(letter) === "waiting" ? (
        <div class="actions">
          <form method="post" action={action("redrive")}>
            <h2>Redrive</h2>
            <CsrfField token={viewer.csrf} />
            <ConfirmBox id="confirm-redrive">I understand: the message goes back on the delivery queue and is sent again.</ConfirmBox>
            <button type="submit">Redrive</button>
          </form>
          <form method="post" action={action("discard")}>
            <h2>Discard</h2>
            <CsrfField token={viewer.csrf} />
            <ConfirmBox id="confirm-discard">I understand: the message stays failed and is never sent.</ConfirmBox>
            <button type="submit" class="danger">
              Discard
            </button>
          </form>
        </div>
      ) : null}
    </Layout>
  );
}
