import { CsrfField, Notice, Pretty, Status, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import type { MessageWithEvents } from "../views";

type Props = { viewer: Viewer; message: MessageWithEvents; payloads: Map<string, unknown>; done?: string };

export function MessagePage({ viewer, message, payloads, done }: Props) {
  const facts: [string, string | number | null][] = [
    ["Tenant", message.tenantId],
    ["Channel", message.channel],
    ["Direction", message.direction],
    ["To", message.to],
    ["From", message.from],
    ["Subject", message.subject],
    ["Provider message id", message.providerMessageId],
    ["Cost", message.cost],
    ["Attempts", message.attempts],
    ["Last error", message.lastError],
    ["Idempotency key", message.idempotencyKey],
  ];
  return (
    <Layout title={`Message ${message.id}`} viewer={viewer} section="messages">
      {done ? <Notice kind="ok">{done}</Notice> : null}
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Status status={message.status} />
        </dd>
        {facts.map(([label, value]) => (
          <>
            <dt>{label}</dt>
            <dd>{value ?? "—"}</dd>
          </>
        ))}
        <dt>Provider</dt>
        <dd>{message.providerId ? <a href={`${BASE}/providers/${message.providerId}`}>{message.providerId}</a> : "—"}</dd>
        <dt>Created</dt>
        <dd>
          <Time iso={message.createdAt} />
        </dd>
        <dt>Scheduled for</dt>
        <dd>
          <Time iso={message.scheduledAt} />
        </dd>
        <dt>Sent</dt>
        <dd>
          <Time iso={message.sentAt} />
        </dd>
      </dl>
      {message.status === "queued" ? (
        <form method="post" action={`${BASE}/messages/${message.id}/cancel`}>
          <CsrfField token={viewer.csrf} />
          <button type="submit" class="danger">
            Cancel this message
          </button>
        </form>
      ) : null}
      <details>
        <summary>Content and metadata</summary>
        <Pretty value={{ content: message.content, metadata: message.metadata }} />
      </details>
      <h2>Event timeline</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Status</th>
            <th scope="col">Source</th>
            <th scope="col">Reason</th>
            <th scope="col">Provider</th>
            <th scope="col">Raw provider payload</th>
          </tr>
        </thead>
        <tbody>
          {message.events.map((event) => (
            <tr>
              <td>
                <Time iso={event.occurredAt} />
              </td>
              <td>
                <Status status={event.status} />
              </td>
              <td>{event.source}</td>
              <td>{event.reason ?? ""}</td>
              <td>{event.providerId ?? ""}</td>
              <td>
                {payloads.has(event.id) ? (
                  <details>
                    <summary>Show payload</summary>
                    <Pretty value={payloads.get(event.id)} />
                  </details>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
