import type { AttachmentView } from "../../../../shared/domain/attachment-view";
import type { ConversationView } from "../../../../shared/domain/conversation";
import type { MessageView } from "../../../../shared/domain/message-view";
import { CsrfField, Notice, Status, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import { AnalysisFacts } from "./analysis-facts";

/** A stored file links to its download; one still fetching or failed says so. */
function Attachments({ path, attachments }: { path: string; attachments: AttachmentView[] }) {
  return (
    <ul class="attachments" aria-label="Attachments">
      {attachments.map((attachment) => {
        const label = `${attachment.name ?? attachment.contentType ?? "file"}${attachment.size === null ? "" : ` (${attachment.size} bytes)`}`;
        if (attachment.status === "stored")
          return (
            <li>
              <a href={`${path}/media/${attachment.id}`}>{label}</a>
            </li>
          );
        return (
          <li>
            {label}:{" "}
            {attachment.status === "pending" ? "still being fetched" : `could not be fetched (${attachment.lastError ?? "unknown"})`}
          </li>
        );
      })}
    </ul>
  );
}

type Props = {
  viewer: Viewer;
  conversation: ConversationView;
  messages: MessageView[];
  done?: string;
  /** A drafted reply to put in the reply box, or why none could be drafted. */
  draft?: { text: string } | { error: string };
};

/** One conversation: both directions oldest first, a reply box, the contact's name, close or reopen. */
export function ConversationPage({ viewer, conversation, messages, done, draft }: Props) {
  const path = `${BASE}/inbox/${conversation.id}`;
  const canWrite = viewer.principal.tenantId !== null;
  return (
    <Layout title={`Conversation with ${conversation.contact?.name ?? conversation.counterpart}`} viewer={viewer} section="inbox">
      {done ? <Notice kind="ok">{done}</Notice> : null}
      {draft && "error" in draft ? <Notice kind="error">{draft.error}</Notice> : null}
      <dl class="facts">
        <dt>Channel</dt>
        <dd>{conversation.channel}</dd>
        <dt>Them</dt>
        <dd>{conversation.counterpart}</dd>
        <dt>Us</dt>
        <dd>{conversation.ourEndpoint}</dd>
        <dt>Status</dt>
        <dd>{conversation.status}</dd>
      </dl>
      {conversation.analysis ? <AnalysisFacts analysis={conversation.analysis} /> : <p class="hint">Not analysed.</p>}
      {canWrite ? (
        <form method="post" action={`${path}/analyze`}>
          <CsrfField token={viewer.csrf} />
          <button type="submit">Re-run analysis</button>
        </form>
      ) : null}
      <ol class="thread" aria-label="Messages">
        {messages.map((message) => (
          <li class={message.direction}>
            <p>
              <strong>{message.direction === "inbound" ? "They" : "We"}</strong> <Time iso={message.createdAt} />{" "}
              <Status status={message.status} /> <a href={`${BASE}/messages/${message.id}`}>details</a>
            </p>
            <p class="body">{message.content.text ?? ""}</p>
            {message.attachments.length > 0 ? <Attachments path={path} attachments={message.attachments} /> : null}
            {message.lastError ? <p class="hint">{message.lastError}</p> : null}
          </li>
        ))}
      </ol>
      {canWrite ? (
        <>
          <form method="post" action={`${path}/reply`}>
            <CsrfField token={viewer.csrf} />
            <p>
              <label for="reply-text">Reply</label>
              <textarea id="reply-text" name="text" required rows={3}>
                {draft && "text" in draft ? draft.text : ""}
              </textarea>
            </p>
            <button type="submit">Send reply</button>
          </form>
          <form method="post" action={`${path}/draft`}>
            <CsrfField token={viewer.csrf} />
            <p>
              <label for="draft-instruction">Instruction for the draft (optional)</label>
              <input id="draft-instruction" name="instruction" type="text" maxlength={500} />
            </p>
            <button type="submit">Draft reply</button>
          </form>
          <form method="post" action={`${path}/status`}>
            <CsrfField token={viewer.csrf} />
            <input type="hidden" name="status" value={conversation.status === "open" ? "closed" : "open"} />
            <button type="submit">{conversation.status === "open" ? "Close conversation" : "Reopen conversation"}</button>
          </form>
          {conversation.contact ? (
            <form method="post" action={`${path}/contact`}>
              <CsrfField token={viewer.csrf} />
              <p>
                <label for="contact-name">Contact name</label>
                <input id="contact-name" name="name" type="text" value={conversation.contact.name ?? ""} />
              </p>
              <button type="submit">Save contact</button>
            </form>
          ) : null}
        </>
      ) : null}
    </Layout>
  );
}
