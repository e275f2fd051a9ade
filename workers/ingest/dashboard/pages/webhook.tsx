import type { attemptView } from "../../services/webhook-attempts";
import { ConfirmBox, CsrfField, Notice, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import type { EndpointView } from "./webhooks";

export type AttemptView = ReturnType<typeof attemptView>;
export type TestOutcome = { ok: boolean; statusCode: number | null; latencyMs: number; error: string | null };

type Props = {
  viewer: Viewer;
  endpoint: EndpointView;
  attempts: AttemptView[];
  /** Shown this once: right after the endpoint was added or its secret rotated. */
  secret?: string;
  test?: TestOutcome;
  done?: string;
};

function SecretOnce({ secret }: { secret: string }) {
  return (
    <Notice kind="info">
      The signing secret, shown this once — copy it now: <code class="secret">{secret}</code>
    </Notice>
  );
}

function TestResult({ test }: { test: TestOutcome }) {
  const answer = test.statusCode === null ? (test.error ?? "no answer") : `answered ${test.statusCode}`;
  return (
    <Notice kind={test.ok ? "ok" : "error"}>
      Test event {test.ok ? "delivered" : "not delivered"}: the endpoint {answer} ({test.latencyMs} ms)
    </Notice>
  );
}

function AttemptsTable({ viewer, endpoint, attempts }: { viewer: Viewer; endpoint: EndpointView; attempts: AttemptView[] }) {
  if (attempts.length === 0) return <p>No attempts yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col" class="num">
            Attempt
          </th>
          <th scope="col">Result</th>
          <th scope="col" class="num">
            Latency
          </th>
          <th scope="col">Answer</th>
          <th scope="col">Replay</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((attempt) => (
          <tr>
            <td>
              <Time iso={attempt.attemptedAt} />
            </td>
            <td>
              <code>{attempt.eventType}</code> <code class="muted">{attempt.eventId}</code>
            </td>
            <td class="num">{attempt.attempt}</td>
            <td>{attempt.ok ? `ok ${attempt.statusCode}` : (attempt.error ?? "failed")}</td>
            <td class="num">{attempt.latencyMs} ms</td>
            <td>
              <code>{attempt.responseExcerpt ?? ""}</code>
            </td>
            <td>
              <form method="post" action={`${BASE}/webhooks/${endpoint.id}/deliveries/${attempt.deliveryId}/replay`}>
                <CsrfField token={viewer.csrf} />
                <button type="submit" class="secondary" disabled={!endpoint.enabled}>
                  Replay
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WebhookPage({ viewer, endpoint, attempts, secret, test, done }: Props) {
  const action = (verb: string) => `${BASE}/webhooks/${endpoint.id}/${verb}`;
  return (
    <Layout title={`Webhook endpoint ${endpoint.url}`} viewer={viewer} section="webhooks">
      {done ? <Notice kind="ok">{done}</Notice> : null}
      {secret ? <SecretOnce secret={secret} /> : null}
      {test ? <TestResult test={test} /> : null}
      {!endpoint.enabled ? (
        <Notice kind="error">Disabled: {endpoint.disabledReason ?? "by a user"}. It receives nothing until enabled.</Notice>
      ) : null}
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{endpoint.id}</code>
        </dd>
        <dt>URL</dt>
        <dd>{endpoint.url}</dd>
        <dt>Description</dt>
        <dd>{endpoint.description ?? "—"}</dd>
        <dt>Event types</dt>
        <dd>{endpoint.eventTypes.length === 0 ? "every type" : endpoint.eventTypes.join(", ")}</dd>
        <dt>State</dt>
        <dd>{endpoint.enabled ? "enabled" : `disabled since ${endpoint.disabledAt ?? "—"}`}</dd>
        <dt>Failures in a row</dt>
        <dd>{endpoint.consecutiveFailures}</dd>
        <dt>Secret</dt>
        <dd>
          <code>{endpoint.secretMask}</code> (shown once, when added or rotated)
        </dd>
        <dt>Created</dt>
        <dd>
          <Time iso={endpoint.createdAt} />
        </dd>
      </dl>
      <div class="actions">
        <form method="post" action={action("test")}>
          <h2>Send a test event</h2>
          <CsrfField token={viewer.csrf} />
          <p>
            Posts a signed <code>webhook.test</code> event now.
          </p>
          <button type="submit">Send test event</button>
        </form>
        <form method="post" action={action("enabled")}>
          <h2>{endpoint.enabled ? "Disable" : "Enable"}</h2>
          <CsrfField token={viewer.csrf} />
          <input type="hidden" name="enabled" value={endpoint.enabled ? "false" : "true"} />
          <button type="submit" class={endpoint.enabled ? "secondary" : undefined}>
            {endpoint.enabled ? "Disable" : "Enable"}
          </button>
        </form>
        <form method="post" action={action("replay")}>
          <h2>Replay</h2>
          <CsrfField token={viewer.csrf} />
          <p>
            <label for="since">Every event since (UTC)</label>
            <input id="since" name="since" type="datetime-local" required />
          </p>
          <button type="submit" disabled={!endpoint.enabled}>
            Replay events
          </button>
        </form>
        <form method="post" action={action("rotate-secret")}>
          <h2>Rotate the secret</h2>
          <CsrfField token={viewer.csrf} />
          <ConfirmBox id="confirm-rotate">I understand: a new secret signs from now; the old one also signs for 24 hours.</ConfirmBox>
          <button type="submit">Rotate secret</button>
        </form>
        <form method="post" action={action("delete")}>
          <h2>Delete</h2>
          <CsrfField token={viewer.csrf} />
          <ConfirmBox id="confirm-delete">I understand: this endpoint receives nothing more.</ConfirmBox>
          <button type="submit" class="danger">
            Delete endpoint
          </button>
        </form>
      </div>
      <h2>Attempts</h2>
      <AttemptsTable viewer={viewer} endpoint={endpoint} attempts={attempts} />
    </Layout>
  );
}
