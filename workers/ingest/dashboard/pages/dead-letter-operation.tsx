import type { BulkOperationRow } from "../../../../shared/db/schema";
import { Notice, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { withFilters } from "../dead-letter-filters";
import { Layout } from "../layout";

type Props = { viewer: Viewer; op: BulkOperationRow; filters: Record<string, string>; targetName?: string };

/** A filter-wide operation's progress; the page reloads itself (no script) while it runs. */
export function DeadLetterOperationPage({ viewer, op, filters, targetName }: Props) {
  const verb = op.action === "redrive" ? "Redrive" : "Discard";
  const running = op.state === "running";
  const percent = op.total > 0 ? Math.min(100, Math.round((op.processed / op.total) * 100)) : 100;
  return (
    <Layout title={`${verb} of every match`} viewer={viewer} section="dead-letters" refreshSeconds={running ? 2 : undefined}>
      {running ? (
        <Notice kind="info">
          Working: {op.processed} of {op.total} done. This page refreshes itself; the work goes on if you leave it.
        </Notice>
      ) : (
        <Notice kind="ok">
          Done: {op.succeeded} of {op.total} {op.action === "redrive" ? "redriven" : "discarded"}
          {op.processed > op.succeeded ? ` (${op.processed - op.succeeded} were no longer waiting)` : ""}.
        </Notice>
      )}
      {op.lastError ? <Notice kind="error">{op.lastError}</Notice> : null}
      <progress max="100" value={String(percent)} aria-label="Progress">
        {percent}%
      </progress>
      <dl class="facts">
        <dt>Operation</dt>
        <dd>
          <code>{op.id}</code>
        </dd>
        <dt>Matched</dt>
        <dd>{op.total}</dd>
        <dt>Processed</dt>
        <dd>{op.processed}</dd>
        <dt>{op.action === "redrive" ? "Redriven" : "Discarded"}</dt>
        <dd>{op.succeeded}</dd>
        {op.action === "redrive" ? (
          <>
            <dt>Send through</dt>
            <dd>{op.targetProviderId ? (targetName ?? op.targetProviderId) : "each message's usual providers"}</dd>
          </>
        ) : null}
        <dt>Started</dt>
        <dd>
          <Time iso={op.createdAt} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time iso={op.finishedAt} />
        </dd>
      </dl>
      <p>
        <a href={withFilters(`${BASE}/dead-letters`, filters)}>Back to the dead letters</a>
      </p>
    </Layout>
  );
}
