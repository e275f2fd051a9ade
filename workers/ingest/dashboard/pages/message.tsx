import type { DeadLetterRow } from "../../../../shared/db/schema";
import { ConfirmBox, CsrfField, Notice, Pretty, Status, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import type { MessageWithEvents } from "../views";
import { deadLetterState } from "./dead-letter";

type Props = {
  viewer: Viewer;
  message: MessageWithEvents;
  payloads: Map<string, unknown>;
  /** The tenant's and the providers' names by id: pages show names. */
  names: Map<string, string>;
  deadLetter?: DeadLetterRow;
  done?: string;
};

/** The message's dead letter, and its redrive while it waits. */
function DeadLetterBox({ viewer, letter }: { viewer: Viewer; letter: DeadLetterRow }) {
  const state = deadLetterState(letter);
  return (
    <section aria-labelledby="dead-letter-heading">
      <h2 id="dead-letter-heading">Dead letter</h2>
      <p>
        <a href={`${BASE}/dead-letters/${letter.id}`}>Dead letter {letter.id}</a> ({state}, <Time iso={letter.deadLetteredAt} />
        ): {letter.lastError ?? "no error recorded"}
      </p>
      {state === "waiting" ? (
        <form method="post" action={`${BASE}/dead-letters/${letter.id}/redrive`}>
          <CsrfField token={viewer.csrf} />
          <input type="hidden" name="from" value="message" />
          <ConfirmBox id="confirm-redrive">I understand: the message goes back on the delivery queue and is sent again.</ConfirmBox>
          <button type="submit">Redrive this message</button>
        </form>
      ) : null}
    </section>
  );
}

type EmailView = NonNullable<MessageWithEvents["email"]>;

/** An email's envelope beyond its first recipient: each list on one line, files by name, type and size. */
function emailFacts(email: EmailView | null): [string, string | null][] {
  if (!email) return [];
  const list = (values: string[]) => (values.length > 0 ? values.join(", ") : null);
  return [
    ["All recipients", list(email.to)],
    ["Cc", list(email.cc)],
    ["Bcc", list(email.bcc)],
    ["Reply-To", list(email.replyTo)],
    ["Headers", list(Object.entries(email.headers).map(([name, value]) => `${name}: ${value}`))],
    ["Attachments", list(email.attachments.map((file) => `${file.filename} (${file.contentType}, ${file.size} bytes)`))],
  ];
}

export function MessagePage({ viewer, message, payloads, names, deadLetter, done }: Props) {
  const facts: [string, string | number | null][] = [
    ["Tenant", names.get(message.tenantId) ?? message.tenantId],
    ["Channel", message.channel],
    ["Direction", message.direction],
    ["To", message.to],
    ["From", message.from],
    ["Subject", message.subject],
    ...emailFacts(message.email),
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
        <dd>
          {message.providerId ? (
            <a href={`${BASE}/providers/${message.providerId}`}>{names.get(message.providerId) ?? message.providerId}</a>
          ) : (
            "—"
          )}
        </dd>
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
      {deadLetter ? <DeadLetterBox viewer={viewer} letter={deadLetter} /> : null}
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
              <td>{event.providerId ? (names.get(event.providerId) ?? event.providerId) : ""}</td>
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
