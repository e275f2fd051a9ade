import { type Context, Hono } from "hono";
import { PRIORITIES, type Priority } from "../../../../shared/analysis/analysis-result";
import { keyringFromEnv } from "../../../../shared/crypto/credential-cipher";
import { updateContactSchema } from "../../../../shared/domain/contact";
import { CONVERSATION_STATUSES, type ConversationStatus } from "../../../../shared/domain/conversation-status";
import { InvalidInputError, RelayError } from "../../../../shared/http/errors";
import { outboundPolicyFromEnv } from "../../../../shared/providers/outbound-policy";
import { requireScope, sendingTenant, tenantScope } from "../../principal";
import { acceptMessages } from "../../services/accept-messages";
import { updateContact } from "../../services/contacts";
import { draftReply, rerunAnalysis } from "../../services/conversation-analysis";
import {
  conversationMessages,
  findConversation,
  getConversation,
  listConversations,
  markRead,
  replyRequest,
  replyThreading,
  setConversationStatus,
} from "../../services/conversations";
import { mediaResponse } from "../../services/media";
import { renderRequests } from "../../services/templated-messages";
import { BASE, type DashboardBindings, signedIn } from "../context";
import { field, formOf, present } from "../form";
import { doneNotice, withDone } from "../notices";
import { ConversationPage } from "../pages/conversation";
import { InboxPage } from "../pages/inbox";
import { render } from "../render";

const STATUSES: readonly string[] = CONVERSATION_STATUSES;

const PRIORITY_NAMES: readonly string[] = PRIORITIES;

/** The conversation page; opening it in the inbox (a tenant's key) reads it. */
async function conversationPage(
  c: Context<DashboardBindings>,
  id: string,
  extra: { done?: string; draft?: { text: string } | { error: string } },
) {
  const viewer = signedIn(c);
  const conversation = viewer.principal.tenantId
    ? await markRead(c.get("db"), id, viewer.principal.tenantId)
    : await getConversation(c.get("db"), id, null);
  const page = await conversationMessages(c.get("db"), id, viewer.principal.tenantId, { limit: 100 });
  const messages = [...page.items].reverse();
  return render(
    c,
    <ConversationPage viewer={viewer} conversation={conversation} messages={messages} done={extra.done} draft={extra.draft} />,
  );
}

export const inboxRoutes = new Hono<DashboardBindings>()
  .get("/inbox", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    const query = present({
      status: c.req.query("status"),
      q: c.req.query("q"),
      priority: c.req.query("priority"),
      category: c.req.query("category"),
      sort: c.req.query("sort"),
      cursor: c.req.query("cursor"),
    });
    const status = query.status && STATUSES.includes(query.status) ? (query.status as ConversationStatus) : undefined;
    const priority = query.priority && PRIORITY_NAMES.includes(query.priority) ? (query.priority as Priority) : undefined;
    const page = await listConversations(c.get("db"), {
      tenantId: tenantScope(viewer.principal),
      status,
      priority,
      category: query.category?.slice(0, 64),
      sort: query.sort === "priority" ? "priority" : "activity",
      q: query.q?.slice(0, 200),
      cursor: query.cursor,
      limit: 50,
    });
    return render(c, <InboxPage viewer={viewer} items={page.items} nextCursor={page.nextCursor} query={query} />);
  })
  .get("/inbox/:id", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    return conversationPage(c, c.req.param("id"), { done: doneNotice(c.req.query("done")) });
  })
  .post("/inbox/:id/analyze", async (c) => {
    const viewer = signedIn(c);
    const tenantId = sendingTenant(viewer.principal);
    const { conversation } = await findConversation(c.get("db"), c.req.param("id"), tenantId);
    await rerunAnalysis(c.get("db"), c.env.ANALYSIS_QUEUE, conversation, viewer.principal.keyId);
    return c.redirect(withDone(`${BASE}/inbox/${conversation.id}`, "analysis-requested"), 303);
  })
  .post("/inbox/:id/draft", async (c) => {
    const viewer = signedIn(c);
    const tenantId = sendingTenant(viewer.principal);
    const { conversation } = await findConversation(c.get("db"), c.req.param("id"), tenantId);
    const instruction =
      field(await formOf(c), "instruction")
        ?.trim()
        .slice(0, 500) || undefined;
    const deps = { keyring: keyringFromEnv(c.env), AI: c.env.AI, policy: outboundPolicyFromEnv(c.env) };
    // A draft that cannot be made (rules analyzer, budget, model failure) is said on the page, not as an error page.
    const draft = await draftReply(c.get("db"), deps, conversation, instruction).then(
      (made) => ({ text: made.text }),
      (error: unknown) => {
        if (error instanceof RelayError) return { error: error.message };
        throw error;
      },
    );
    return conversationPage(c, conversation.id, { draft });
  })
  // An attachment of the thread, for the signed-in tenant only (as GET /v1/media/:id).
  .get("/inbox/:id/media/:mediaId", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    return mediaResponse(c.get("db"), c.env.MEDIA, c.req.param("mediaId"), viewer.principal.tenantId, c.get("requestId"));
  })
  .post("/inbox/:id/reply", async (c) => {
    const viewer = signedIn(c);
    const tenantId = sendingTenant(viewer.principal);
    const { conversation } = await findConversation(c.get("db"), c.req.param("id"), tenantId);
    const text = field(await formOf(c), "text")?.trim();
    if (!text) throw new InvalidInputError("A reply needs text", [{ path: "text", message: "required" }]);
    const request = replyRequest(conversation, { content: { text } });
    const context = {
      db: c.get("db"),
      queue: c.env.DELIVERY_QUEUE,
      attachments: c.env.ATTACHMENTS,
      tenantId,
      requestId: c.get("requestId"),
      ...replyThreading(conversation),
    };
    await acceptMessages(context, await renderRequests(c.get("db"), tenantId, [request], () => ""), (views) => views[0]);
    return c.redirect(withDone(`${BASE}/inbox/${conversation.id}`, "replied"), 303);
  })
  .post("/inbox/:id/status", async (c) => {
    const viewer = signedIn(c);
    const tenantId = sendingTenant(viewer.principal);
    const status = field(await formOf(c), "status");
    if (!status || !STATUSES.includes(status))
      throw new InvalidInputError("Unknown status", [{ path: "status", message: "open or closed" }]);
    const changed = await setConversationStatus(c.get("db"), c.req.param("id"), tenantId, status as ConversationStatus);
    return c.redirect(withDone(`${BASE}/inbox/${changed.id}`, status === "open" ? "reopened" : "closed"), 303);
  })
  .post("/inbox/:id/contact", async (c) => {
    const viewer = signedIn(c);
    const tenantId = sendingTenant(viewer.principal);
    const { conversation } = await findConversation(c.get("db"), c.req.param("id"), tenantId);
    if (!conversation.contactId) throw new InvalidInputError("This conversation has no contact", [{ path: "name", message: "no contact" }]);
    const name = field(await formOf(c), "name")?.trim();
    const parsed = updateContactSchema.safeParse({ name: name ? name : null });
    if (!parsed.success) throw new InvalidInputError("The name is not valid", [{ path: "name", message: "at most 200 characters" }]);
    await updateContact(c.get("db"), conversation.contactId, tenantId, parsed.data);
    return c.redirect(withDone(`${BASE}/inbox/${conversation.id}`, "contact-saved"), 303);
  });
