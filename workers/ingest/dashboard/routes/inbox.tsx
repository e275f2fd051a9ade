import { Hono } from "hono";
import { updateContactSchema } from "../../../../shared/domain/contact";
import { CONVERSATION_STATUSES, type ConversationStatus } from "../../../../shared/domain/conversation-status";
import { InvalidInputError } from "../../../../shared/http/errors";
import { requireScope, sendingTenant, tenantScope } from "../../principal";
import { acceptMessages } from "../../services/accept-messages";
import { updateContact } from "../../services/contacts";
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

export const inboxRoutes = new Hono<DashboardBindings>()
  .get("/inbox", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    const query = present({ status: c.req.query("status"), q: c.req.query("q"), cursor: c.req.query("cursor") });
    const status = query.status && STATUSES.includes(query.status) ? (query.status as ConversationStatus) : undefined;
    const page = await listConversations(c.var.db, {
      tenantId: tenantScope(viewer.principal),
      status,
      q: query.q?.slice(0, 200),
      cursor: query.cursor,
      limit: 50,
    });
    return render(c, <InboxPage viewer={viewer} items={page.items} nextCursor={page.nextCursor} query={query} />);
  })
  .get("/inbox/:id", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    const id = c.req.param("id");
    // Opening a conversation in the inbox reads it.
    const conversation = viewer.principal.tenantId
      ? await markRead(c.var.db, id, viewer.principal.tenantId)
      : await getConversation(c.var.db, id, null);
    const page = await conversationMessages(c.var.db, id, viewer.principal.tenantId, { limit: 100 });
    const messages = [...page.items].reverse();
    return render(
      c,
      <ConversationPage viewer={viewer} conversation={conversation} messages={messages} done={doneNotice(c.req.query("done"))} />,
    );
  })
  // An attachment of the thread, for the signed-in tenant only (as GET /v1/media/:id).
  .get("/inbox/:id/media/:mediaId", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    return mediaResponse(c.var.db, c.env.MEDIA, c.req.param("mediaId"), viewer.principal.tenantId, c.var.requestId);
  })
  .post("/inbox/:id/reply", async (c) => {
    const viewer = signedIn(c);
    const tenantId = sendingTenant(viewer.principal);
    const { conversation } = await findConversation(c.var.db, c.req.param("id"), tenantId);
    const text = field(await formOf(c), "text")?.trim();
    if (!text) throw new InvalidInputError("A reply needs text", [{ path: "text", message: "required" }]);
    const request = replyRequest(conversation, { content: { text } });
    const context = {
      db: c.var.db,
      queue: c.env.DELIVERY_QUEUE,
      attachments: c.env.ATTACHMENTS,
      tenantId,
      requestId: c.var.requestId,
      ...replyThreading(conversation),
    };
    await acceptMessages(context, await renderRequests(c.var.db, tenantId, [request], () => ""), (views) => views[0]);
    return c.redirect(withDone(`${BASE}/inbox/${conversation.id}`, "replied"), 303);
  })
  .post("/inbox/:id/status", async (c) => {
    const viewer = signedIn(c);
    const tenantId = sendingTenant(viewer.principal);
    const status = field(await formOf(c), "status");
    if (!status || !STATUSES.includes(status))
      throw new InvalidInputError("Unknown status", [{ path: "status", message: "open or closed" }]);
    const changed = await setConversationStatus(c.var.db, c.req.param("id"), tenantId, status as ConversationStatus);
    return c.redirect(withDone(`${BASE}/inbox/${changed.id}`, status === "open" ? "reopened" : "closed"), 303);
  })
  .post("/inbox/:id/contact", async (c) => {
    const viewer = signedIn(c);
    const tenantId = sendingTenant(viewer.principal);
    const { conversation } = await findConversation(c.var.db, c.req.param("id"), tenantId);
    if (!conversation.contactId) throw new InvalidInputError("This conversation has no contact", [{ path: "name", message: "no contact" }]);
    const name = field(await formOf(c), "name")?.trim();
    const parsed = updateContactSchema.safeParse({ name: name ? name : null });
    if (!parsed.success) throw new InvalidInputError("The name is not valid", [{ path: "name", message: "at most 200 characters" }]);
    await updateContact(c.var.db, conversation.contactId, tenantId, parsed.data);
    return c.redirect(withDone(`${BASE}/inbox/${conversation.id}`, "contact-saved"), 303);
  });
