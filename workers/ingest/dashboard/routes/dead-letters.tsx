import { Hono } from "hono";
import { zodDetails } from "../../../../shared/http/envelope";
import { InvalidInputError } from "../../../../shared/http/errors";
import { isOps, tenantScope } from "../../principal";
import { deadLetterListQuery } from "../../schemas/params";
import {
  discardDeadLetter,
  findDeadLetter,
  listDeadLetters,
  type RedriveContext,
  redriveDeadLetter,
  redriveMany,
} from "../../services/dead-letters";
import { providerAttemptsOf } from "../../services/provider-attempts";
import { listProviders } from "../../services/providers";
import { listTenants } from "../../services/tenants";
import { BASE, type DashboardBindings, type DashboardContext, signedIn } from "../context";
import { field, fields, formOf, present, requireConfirmation } from "../form";
import { doneNotice, withDone } from "../notices";
import { DeadLetterPage } from "../pages/dead-letter";
import { DeadLettersPage } from "../pages/dead-letters";
import { render } from "../render";

/** The bulk API's limit: one page of the list never holds more. */
const MAX_BULK = 100;

function redriveContext(c: DashboardContext): RedriveContext {
  return { db: c.var.db, queue: c.env.DELIVERY_QUEUE, tenantId: signedIn(c).principal.tenantId, requestId: c.var.requestId };
}

async function choices(c: DashboardContext, tenantId: string | null) {
  const ops = isOps(signedIn(c).principal);
  const [tenants, providers] = await Promise.all([ops ? listTenants(c.var.db) : [], listProviders(c.var.db, tenantId)]);
  return { tenants, providers };
}

export const deadLetterRoutes = new Hono<DashboardBindings>()
  .get("/dead-letters", async (c) => {
    const viewer = signedIn(c);
    const q = c.req.query();
    const filters = present({ tenantId: q.tenantId, providerId: q.providerId, q: q.q, state: q.state, cursor: q.cursor });
    const query = deadLetterListQuery.safeParse(filters);
    if (!query.success) {
      const page = (
        <DeadLettersPage
          viewer={viewer}
          filters={filters}
          {...(await choices(c, null))}
          items={[]}
          nextCursor={null}
          errors={zodDetails(query.error)}
        />
      );
      return render(c, page, 400);
    }
    const tenantId = tenantScope(viewer.principal, query.data.tenantId);
    const result = await listDeadLetters(c.var.db, { ...query.data, tenantId });
    return render(
      c,
      <DeadLettersPage
        viewer={viewer}
        filters={filters}
        {...(await choices(c, tenantId))}
        items={result.items}
        nextCursor={result.nextCursor}
      />,
    );
  })
  .post("/dead-letters/redrive", async (c) => {
    const viewer = signedIn(c);
    const form = await formOf(c);
    const ids = fields(form, "ids");
    if (ids.length === 0 || ids.length > MAX_BULK)
      throw new InvalidInputError(`Select between 1 and ${MAX_BULK} dead letters to redrive; nothing was changed.`);
    requireConfirmation(form);
    const outcomes = await redriveMany(redriveContext(c), ids);
    const tenantId = viewer.principal.tenantId;
    const remaining = await listDeadLetters(c.var.db, { tenantId, state: "pending", limit: 50 });
    const page = (
      <DeadLettersPage
        viewer={viewer}
        filters={{}}
        {...(await choices(c, tenantId))}
        items={remaining.items}
        nextCursor={remaining.nextCursor}
        outcomes={outcomes}
      />
    );
    return render(c, page);
  })
  .get("/dead-letters/:id", async (c) => {
    const viewer = signedIn(c);
    const letter = await findDeadLetter(c.var.db, c.req.param("id"), viewer.principal.tenantId);
    const attempts = await providerAttemptsOf(c.var.db, letter.messageId);
    return render(c, <DeadLetterPage viewer={viewer} letter={letter} attempts={attempts} done={doneNotice(c.req.query("done"))} />);
  })
  .post("/dead-letters/:id/redrive", async (c) => {
    const form = await formOf(c);
    requireConfirmation(form);
    const letter = await redriveDeadLetter(redriveContext(c), c.req.param("id"));
    // Redriven from the message's page: back there, where its new events will show.
    const back = field(form, "from") === "message" ? `${BASE}/messages/${letter.messageId}` : `${BASE}/dead-letters/${letter.id}`;
    return c.redirect(withDone(back, "redriven"), 303);
  })
  .post("/dead-letters/:id/discard", async (c) => {
    requireConfirmation(await formOf(c));
    const viewer = signedIn(c);
    const letter = await discardDeadLetter(c.var.db, c.req.param("id"), viewer.principal.tenantId, c.var.requestId);
    return c.redirect(withDone(`${BASE}/dead-letters/${letter.id}`, "discarded"), 303);
  });
