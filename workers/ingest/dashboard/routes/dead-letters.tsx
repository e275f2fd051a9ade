import { Hono } from "hono";
import { zodDetails } from "../../../../shared/http/envelope";
import { InvalidInputError } from "../../../../shared/http/errors";
import { isOps, tenantScope } from "../../principal";
import { deadLetterListQuery } from "../../schemas/params";
import { recordAudit } from "../../services/audit-log";
import { bulkOperationProgress, startBulkOperation } from "../../services/bulk-operations";
import {
  countPendingDeadLetters,
  discardDeadLetter,
  findDeadLetter,
  listDeadLetters,
  type RedriveContext,
  type RedriveOutcome,
  redriveDeadLetter,
  redriveMany,
} from "../../services/dead-letters";
import { providerAttemptsOf } from "../../services/provider-attempts";
import { findProvider, listProviders } from "../../services/providers";
import { findTenant, listTenants } from "../../services/tenants";
import { dashboardActor } from "../audit-actor";
import { BASE, type DashboardBindings, type DashboardContext, signedIn } from "../context";
import { filtersFrom, filtersFromForm, listQueryOf, matchOf, withFilters } from "../dead-letter-filters";
import { field, fields, formOf, present, requireConfirmation } from "../form";
import { doneNotice, withDone } from "../notices";
import { DeadLetterPage } from "../pages/dead-letter";
import { DeadLetterBulkPage } from "../pages/dead-letter-bulk";
import { DeadLetterOperationPage } from "../pages/dead-letter-operation";
import { DeadLettersPage } from "../pages/dead-letters";
import { providerHealth } from "../provider-health";
import { render } from "../render";

/** The bulk API's limit: one page of the list never holds more. */
const MAX_BULK = 100;
/** A look at the progress page works on a running operation for at most this long. */
const PROGRESS_BUDGET_MS = 2_000;

function redriveContext(c: DashboardContext): RedriveContext {
  return { db: c.get("db"), queue: c.env.DELIVERY_QUEUE, tenantId: signedIn(c).principal.tenantId, requestId: c.get("requestId") };
}

async function choices(c: DashboardContext, tenantId: string | null) {
  const ops = isOps(signedIn(c).principal);
  const [tenants, providers] = await Promise.all([ops ? listTenants(c.get("db")) : [], listProviders(c.get("db"), tenantId)]);
  return { tenants, providers };
}

/** The list, under the filters the page carries (after an action too: filters survive every action). */
async function listPage(c: DashboardContext, filters: Record<string, string>, outcomes?: RedriveOutcome[]) {
  const viewer = signedIn(c);
  const query = deadLetterListQuery.safeParse(listQueryOf(filters));
  if (!query.success) {
    const page = (
      <DeadLettersPage
        viewer={viewer}
        filters={filters}
        {...(await choices(c, null))}
        items={[]}
        nextCursor={null}
        errors={zodDetails(query.error)}
        outcomes={outcomes}
      />
    );
    return render(c, page, 400);
  }
  const tenantId = tenantScope(viewer.principal, query.data.tenantId);
  const result = await listDeadLetters(c.get("db"), { ...query.data, tenantId });
  return render(
    c,
    <DeadLettersPage
      viewer={viewer}
      filters={filters}
      {...(await choices(c, tenantId))}
      items={result.items}
      nextCursor={result.nextCursor}
      outcomes={outcomes}
    />,
  );
}

/** The filter of a filter-wide operation, validated by the API's own list schema. */
function matchFromFilters(c: DashboardContext, filters: Record<string, string>) {
  const query = deadLetterListQuery.safeParse(listQueryOf(filters));
  if (!query.success) throw new InvalidInputError("The filters are not valid; nothing was changed.", zodDetails(query.error));
  return matchOf(query.data, tenantScope(signedIn(c).principal, query.data.tenantId));
}

function bulkActionOf(value: string | undefined): "redrive" | "discard" {
  if (value === "redrive" || value === "discard") return value;
  throw new InvalidInputError("Choose redrive or discard", [{ path: "action", message: "redrive or discard" }]);
}

export const deadLetterRoutes = new Hono<DashboardBindings>()
  .get("/dead-letters", (c) => listPage(c, { ...filtersFrom(c.req.query()), ...present({ cursor: c.req.query("cursor") }) }))
  .post("/dead-letters/redrive", async (c) => {
    const form = await formOf(c);
    const ids = field(form, "scope") === "page" ? fields(form, "pageIds") : fields(form, "ids");
    if (ids.length === 0 || ids.length > MAX_BULK)
      throw new InvalidInputError(`Select between 1 and ${MAX_BULK} dead letters to redrive; nothing was changed.`);
    requireConfirmation(form);
    const outcomes = await redriveMany(redriveContext(c), ids);
    await recordAudit(c.get("db"), dashboardActor(c), {
      action: "dead-letter.redrive",
      tenantId: signedIn(c).principal.tenantId,
      details: { ids, redriven: outcomes.filter((o) => o.outcome === "redriven").length },
    });
    return listPage(c, filtersFromForm(form), outcomes);
  })
  .get("/dead-letters/bulk", async (c) => {
    const viewer = signedIn(c);
    const action = bulkActionOf(c.req.query("action"));
    const filters = filtersFrom(c.req.query());
    delete filters.state;
    const match = matchFromFilters(c, filters);
    const [matched, providers, tenants] = await Promise.all([
      countPendingDeadLetters(c.get("db"), match),
      listProviders(c.get("db"), match.tenantId),
      isOps(viewer.principal) ? listTenants(c.get("db")) : [],
    ]);
    const health = await providerHealth(
      c.env,
      providers.map((p) => p.id),
    );
    const names = {
      tenant: tenants.find((t) => t.id === match.tenantId)?.name,
      provider: providers.find((p) => p.id === match.providerId)?.name,
    };
    const page = (
      <DeadLetterBulkPage
        viewer={viewer}
        action={action}
        filters={filters}
        matched={matched}
        providers={providers}
        health={health}
        names={names}
      />
    );
    return render(c, page);
  })
  .post("/dead-letters/bulk", async (c) => {
    const form = await formOf(c);
    const action = bulkActionOf(field(form, "action"));
    const filters = filtersFromForm(form);
    delete filters.state;
    requireConfirmation(form);
    const op = await startBulkOperation(
      { db: c.get("db"), queue: c.env.DELIVERY_QUEUE, actor: dashboardActor(c) },
      { action, match: matchFromFilters(c, filters), targetProviderId: field(form, "targetProviderId") || undefined },
    );
    return c.redirect(withFilters(`${BASE}/dead-letters/operations/${op.id}`, filters), 303);
  })
  .get("/dead-letters/operations/:id", async (c) => {
    const viewer = signedIn(c);
    const ctx = { db: c.get("db"), queue: c.env.DELIVERY_QUEUE };
    const op = await bulkOperationProgress(ctx, c.req.param("id"), viewer.principal.tenantId, PROGRESS_BUDGET_MS);
    const target = op.targetProviderId
      ? await findProvider(c.get("db"), viewer.principal, op.targetProviderId).catch(() => undefined)
      : undefined;
    const filters = filtersFrom(c.req.query());
    return render(c, <DeadLetterOperationPage viewer={viewer} op={op} filters={filters} targetName={target?.name} />);
  })
  .get("/dead-letters/:id", async (c) => {
    const viewer = signedIn(c);
    const letter = await findDeadLetter(c.get("db"), c.req.param("id"), viewer.principal.tenantId);
    const [attempts, provider, tenant] = await Promise.all([
      providerAttemptsOf(c.get("db"), letter.messageId),
      letter.providerId ? findProvider(c.get("db"), viewer.principal, letter.providerId).catch(() => undefined) : undefined,
      findTenant(c.get("db"), viewer.principal, letter.tenantId).catch(() => undefined),
    ]);
    const page = (
      <DeadLetterPage
        viewer={viewer}
        letter={letter}
        attempts={attempts}
        providerName={provider?.name}
        tenantName={tenant?.name}
        done={doneNotice(c.req.query("done"))}
      />
    );
    return render(c, page);
  })
  .post("/dead-letters/:id/redrive", async (c) => {
    const form = await formOf(c);
    requireConfirmation(form);
    const letter = await redriveDeadLetter(redriveContext(c), c.req.param("id"));
    await recordAudit(c.get("db"), dashboardActor(c), { action: "dead-letter.redrive", tenantId: letter.tenantId, target: letter.id });
    // Redriven from the message's page: back there, where its new events will show.
    const back = field(form, "from") === "message" ? `${BASE}/messages/${letter.messageId}` : `${BASE}/dead-letters/${letter.id}`;
    return c.redirect(withDone(back, "redriven"), 303);
  })
  .post("/dead-letters/:id/discard", async (c) => {
    requireConfirmation(await formOf(c));
    const viewer = signedIn(c);
    const letter = await discardDeadLetter(c.get("db"), c.req.param("id"), viewer.principal.tenantId, c.get("requestId"));
    await recordAudit(c.get("db"), dashboardActor(c), { action: "dead-letter.discard", tenantId: letter.tenantId, target: letter.id });
    return c.redirect(withDone(`${BASE}/dead-letters/${letter.id}`, "discarded"), 303);
  });
