import { PRIORITIES } from "../../../../shared/analysis/analysis-result";
import type { ConversationView } from "../../../../shared/domain/conversation";
import { Pager, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

type Props = { viewer: Viewer; items: ConversationView[]; nextCursor: string | null; query: Record<string, string> };

/** Conversations by latest activity (or priority), unread ones marked, with their analysis. */
export function InboxPage({ viewer, items, nextCursor, query }: Props) {
  return (
    <Layout title="Inbox" viewer={viewer} section="inbox">
      <form method="get" action={`${BASE}/inbox`} class="filters">
        <p>
          <label for="inbox-status">Status</label>
          <select id="inbox-status" name="status">
            {[
              ["", "Any"],
              ["open", "Open"],
              ["closed", "Closed"],
            ].map(([value, label]) => (
              <option value={value} selected={query.status === value || (!query.status && value === "")}>
                {label}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="inbox-priority">Priority</label>
          <select id="inbox-priority" name="priority">
            {["", ...PRIORITIES].map((value) => (
              <option value={value} selected={(query.priority ?? "") === value}>
                {value || "Any"}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="inbox-category">Category</label>
          <input id="inbox-category" name="category" type="text" maxlength={64} value={query.category} />
        </p>
        <p>
          <label for="inbox-sort">Order</label>
          <select id="inbox-sort" name="sort">
            <option value="activity" selected={query.sort !== "priority"}>
              Newest activity
            </option>
            <option value="priority" selected={query.sort === "priority"}>
              Priority
            </option>
          </select>
        </p>
        <p>
          <label for="inbox-q">Search</label>
          <input id="inbox-q" name="q" type="search" value={query.q} />
        </p>
        <button type="submit">Filter</button>
      </form>
      {items.length === 0 ? (
        <p>No conversations.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">With</th>
              <th scope="col">Channel</th>
              <th scope="col">Last message</th>
              <th scope="col">When</th>
              <th scope="col">Unread</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col">Category</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr class={item.unreadCount > 0 ? "unread" : undefined}>
                <td>
                  <a href={`${BASE}/inbox/${item.id}`}>{item.contact?.name ?? item.counterpart}</a>
                </td>
                <td>{item.channel}</td>
                <td>{item.lastMessagePreview ?? ""}</td>
                <td>
                  <Time iso={item.lastMessageAt} />
                </td>
                <td>{item.unreadCount > 0 ? <strong>{item.unreadCount}</strong> : "0"}</td>
                <td>{item.status}</td>
                <td>{item.analysis?.priority ?? ""}</td>
                <td>{item.analysis?.category ?? ""}</td>
                <td>{item.analysis?.summary ?? (item.analysis?.analyzer === "rules" ? "(rules: no summary)" : "")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path={`${BASE}/inbox`} query={query} nextCursor={nextCursor} />
    </Layout>
  );
}
