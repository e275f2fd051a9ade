import { Hono } from "hono";
import { zodDetails } from "../../../../shared/http/envelope";
import { isOps, requireScope, tenantScope } from "../../principal";
import { messageListQuery } from "../../schemas/params";
import { cancelMessage } from "../../services/cancel-message";
import { latestDeadLetterOf } from "../../services/dead-letters";
import { listMessages, messageWithEvents } from "../../services/messages-query";
import { providerNames } from "../../services/providers";
import { findTenant, listTenants } from "../../services/tenants";
import { BASE, type DashboardBindings, signedIn } from "../context";
import { endOfDay, startOfDay } from "../dates";
import { rawPayloadsOf } from "../event-payloads";
import { present } from "../form";
import { doneNotice, withDone } from "../notices";
import { MessagePage } from "../pages/message";
import { MessagesPage } from "../pages/messages";
import { render } from "../render";

export const messageRoutes = new Hono<DashboardBindings>()
  .get("/messages", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    const q = c.req.query();
    const filters = present({
      tenantId: q.tenantId,
      status: q.status,
      channel: q.channel,
      to: q.to,
      since: q.since,
      until: q.until,
      cursor: q.cursor,
    });
    const tenants = isOps(viewer.principal) ? await listTenants(c.get("db")) : [];
    // The API's own query schema validates the filters; date fields become day boundaries first.
    const query = messageListQuery.safeParse({ ...filters, since: startOfDay(filters.since), until: endOfDay(filters.until) });
    if (!query.success) {
      const page = (
        <MessagesPage viewer={viewer} filters={filters} tenants={tenants} items={[]} nextCursor={null} errors={zodDetails(query.error)} />
      );
      return render(c, page, 400);
    }
    const result = await listMessages(c.get("db"), { ...query.data, tenantId: tenantScope(viewer.principal, query.data.tenantId) });
    return render(
      c,
      <MessagesPage viewer={viewer} filters={filters} tenants={tenants} items={result.items} nextCursor={result.nextCursor} />,
    );
  })
  .get("/messages/:id", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "read");
    const message = await messageWithEvents(c.get("db"), c.req.param("id"), viewer.principal.tenantId, c.env.ARCHIVE);
    const [payloads, deadLetter, providers, tenant] = await Promise.all([
      rawPayloadsOf(c.get("db"), message.id),
      latestDeadLetterOf(c.get("db"), message.id, viewer.principal.tenantId),
      providerNames(c.get("db"), [message.providerId, ...message.events.map((event) => event.providerId)]),
      findTenant(c.get("db"), viewer.principal, message.tenantId).catch(() => undefined),
    ]);
    const names = new Map([...providers, ...(tenant ? [[tenant.id, tenant.name] as const] : [])]);
    const page = (
      <MessagePage
        viewer={viewer}
        message={message}
        payloads={payloads}
        names={names}
        deadLetter={deadLetter}
        done={doneNotice(c.req.query("done"))}
      />
    );
    return render(c, page);
  })
  .post("/messages/:id/cancel", async (c) => {
    const viewer = signedIn(c);
    requireScope(viewer.principal, "send");
    const canceled = await cancelMessage(c.get("db"), c.req.param("id"), viewer.principal.tenantId, c.get("requestId"));
    return c.redirect(withDone(`${BASE}/messages/${canceled.id}`, "canceled"), 303);
  });
