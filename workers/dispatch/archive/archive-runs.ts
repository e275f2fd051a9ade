import { and, asc, eq, gt, gte, isNull } from "drizzle-orm";
import type { Database } from "../../../shared/db/database";
import { type ArchiveRunRow, archiveRuns, tenants } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import { log } from "../../../shared/observability/logger";
import { type ArchiveDeps, archiveChunk, completeChunk, pendingChunks } from "./archive-chunk";
import { cutoffFor, nextChunk } from "./chunk-selection";

/** How long one cron tick may spend archiving, well inside a Worker's time. */
export const ARCHIVE_BUDGET_MS = 20_000;

type TenantRef = { id: string; retentionDays: number };

async function tenantAfter(db: Database, run: ArchiveRunRow): Promise<TenantRef | undefined> {
  if (run.tenantId)
    return run.tenantCursor
      ? undefined
      : db.query.tenants.findFirst({ where: eq(tenants.id, run.tenantId), columns: { id: true, retentionDays: true } });
  return db.query.tenants.findFirst({
    where: run.tenantCursor ? gt(tenants.id, run.tenantCursor) : undefined,
    orderBy: asc(tenants.id),
    columns: { id: true, retentionDays: true },
  });
}

async function setRun(db: Database, id: string, change: Partial<ArchiveRunRow>): Promise<void> {
  await db
    .update(archiveRuns)
    .set({ ...change, updatedAt: new Date().toISOString() })
    .where(eq(archiveRuns.id, id));
}

/**
 * Moves a run forward until it is done or the deadline passes: tenant by tenant (in id order,
 * resumable from `tenantCursor`), chunk by chunk. Each chunk is its own crash-safe unit.
 */
export async function advanceRun(deps: ArchiveDeps, run: ArchiveRunRow, deadline: number, now = new Date()): Promise<void> {
  let current = run;
  while (Date.now() < deadline) {
    const tenant = await tenantAfter(deps.db, current);
    if (!tenant) {
      await setRun(deps.db, run.id, { status: "done", finishedAt: new Date().toISOString() });
      return;
    }
    const chunk = await nextChunk(deps.db, tenant.id, cutoffFor(current.before, tenant.retentionDays, now));
    if (chunk) await archiveChunk(deps, run.id, tenant.id, chunk.day, chunk.ids);
    else {
      await setRun(deps.db, run.id, { tenantCursor: tenant.id });
      current = { ...current, tenantCursor: tenant.id };
    }
  }
}

/** Today's retention run (every tenant, each by its own retention), started once a day. */
async function ensureDailyRun(db: Database, now: Date): Promise<void> {
  const today = `${now.toISOString().slice(0, 10)}T00:00:00.000Z`;
  const started = await db.query.archiveRuns.findFirst({
    where: and(isNull(archiveRuns.tenantId), isNull(archiveRuns.before), gte(archiveRuns.startedAt, today)),
  });
  if (!started) await startRun(db, { tenantId: null, before: null, requestedBy: "cron" }, now);
}

export async function startRun(
  db: Database,
  spec: { tenantId: string | null; before: string | null; requestedBy: string },
  now = new Date(),
) {
  const at = now.toISOString();
  const [run] = await db
    .insert(archiveRuns)
    .values({ id: newId("archiveRun"), ...spec, status: "running", startedAt: at, updatedAt: at })
    .returning();
  return run;
}

/**
 * The cron's archive work: first the chunks a crash left pending, then every running run in
 * start order, within the budget. A run that fails records why and stops; the next tick's
 * pending-chunk pass repairs whatever it left half-done.
 */
export async function archiveTick(deps: ArchiveDeps, budgetMs = ARCHIVE_BUDGET_MS, now = new Date()): Promise<void> {
  const deadline = Date.now() + budgetMs;
  for (const chunk of await pendingChunks(deps.db)) await completeChunk(deps, chunk);
  await ensureDailyRun(deps.db, now);
  const running = await deps.db.select().from(archiveRuns).where(eq(archiveRuns.status, "running")).orderBy(asc(archiveRuns.startedAt));
  for (const run of running) {
    if (Date.now() >= deadline) return;
    try {
      await advanceRun(deps, run, deadline, now);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error("dispatch.archive_run_failed", { runId: run.id, error: message });
      await setRun(deps.db, run.id, { status: "failed", error: message, finishedAt: new Date().toISOString() });
    }
  }
}
