import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../shared/db/database";
import { archiveTick, startRun } from "../../workers/dispatch/archive/archive-runs";
import { call, createOpsKey, createTenant, expectErrorEnvelope, expectSuccessEnvelope } from "../support/api";
import { daysAgo, oldMessage } from "../support/archive-fixtures";

type Run = { id: string; status: string; archived: number; before: string | null; tenantId: string | null };

async function archivedTenant() {
  const ops = await createOpsKey();
  const tenant = await createTenant(ops);
  // Accepted since migration 0018, its `queued` event kept on its row; the other from before, its own row.
  const early = await oldMessage(tenant.tenantId, 45, "delivered", { acceptedReason: "accepted" });
  const late = await oldMessage(tenant.tenantId, 40, "failed");
  const kept = await oldMessage(tenant.tenantId, 1);
  await startRun(database(env.DB), { tenantId: tenant.tenantId, before: daysAgo(30), requestedBy: "test" });
  await archiveTick({ db: database(env.DB), bucket: env.ARCHIVE, attachments: env.ATTACHMENTS, media: env.MEDIA }, 20_000);
  return { ops, tenant, early, late, kept };
}

async function ndjson(
  response: Response,
): Promise<{ message: { id: string; createdAt: string }; events: { id: string; status: string }[] }[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const exportFrom = (key: string, query: string) =>
  exports.default.fetch(new Request(`http://relay.test/v1/exports?${query}`, { headers: { authorization: `Bearer ${key}` } }));

describe("archive runs API", () => {
  it("ops start a pass with 202 and follow it; tenants and bad input are refused", async () => {
    const ops = await createOpsKey();
    const tenant = await createTenant(ops);
    const started = expectSuccessEnvelope(
      await call<Run>("POST", "/v1/archive/runs", { key: ops, body: { before: "2026-10-01T00:00:00Z", tenantId: tenant.tenantId } }),
      202,
    );
    expect(started).toMatchObject({ status: "running", archived: 0, before: "2026-10-01T00:00:00.000Z", tenantId: tenant.tenantId });
    expect(started.id).toMatch(/^arc_/);
    expect(expectSuccessEnvelope(await call<Run>("GET", `/v1/archive/runs/${started.id}`, { key: ops })).id).toBe(started.id);
    expectErrorEnvelope(
      await call("POST", "/v1/archive/runs", { key: tenant.adminKey, body: { before: "2026-10-01T00:00:00Z" } }),
      403,
      "FORBIDDEN",
    );
    expectErrorEnvelope(await call("GET", `/v1/archive/runs/${started.id}`, { key: tenant.adminKey }), 403, "FORBIDDEN");
    expectErrorEnvelope(await call("POST", "/v1/archive/runs", { key: ops, body: { before: "last week" } }), 400, "INVALID_INPUT");
    expectErrorEnvelope(
      await call("POST", "/v1/archive/runs", { key: ops, body: { before: "2026-10-01T00:00:00Z", tenantId: "ten_nope" } }),
      400,
      "INVALID_INPUT",
    );
    expectErrorEnvelope(await call("GET", "/v1/archive/runs/arc_missing", { key: ops }), 404, "NOT_FOUND");
  });
});

describe("archived messages", () => {
  it("still answer GET /v1/messages/:id, marked archived, with their events — to their own tenant only", async () => {
    const { ops, tenant, early, late, kept } = await archivedTenant();
    const archived = expectSuccessEnvelope(
      await call<{ id: string; archived?: boolean; status: string; events: { status: string }[] }>("GET", `/v1/messages/${early.id}`, {
        key: tenant.readKey,
      }),
    );
    expect(archived).toMatchObject({ id: early.id, archived: true, status: "delivered" });
    expect(archived.events.map((e) => e.status)).toEqual(["queued", "delivered"]);
    expect(archived.events[0]).toMatchObject({ id: `evt_${early.id.slice(4)}`, reason: "accepted", source: "internal" });
    const before0018 = expectSuccessEnvelope(
      await call<{ events: { status: string }[] }>("GET", `/v1/messages/${late.id}`, { key: tenant.readKey }),
    );
    expect(before0018.events.map((e) => e.status)).toEqual(["queued", "failed"]);
    const live = expectSuccessEnvelope(await call<{ archived?: boolean }>("GET", `/v1/messages/${kept.id}`, { key: tenant.readKey }));
    expect(live.archived).toBeUndefined();
    const other = await createTenant(ops);
    expectErrorEnvelope(await call("GET", `/v1/messages/${early.id}`, { key: other.readKey }), 404, "NOT_FOUND");
    expect(expectSuccessEnvelope(await call<{ archived?: boolean }>("GET", `/v1/messages/${early.id}`, { key: ops })).archived).toBe(true);
  });

  it("stream out of /v1/exports as NDJSON within the range, for their own tenant only", async () => {
    const { ops, tenant, early, late } = await archivedTenant();
    const all = await exportFrom(tenant.readKey, `from=${daysAgo(60)}&to=${daysAgo(0)}`);
    expect(all.status).toBe(200);
    expect(all.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = await ndjson(all);
    expect(lines.map((line) => line.message.id).sort()).toEqual([early.id, late.id].sort());
    // Each line carries the whole timeline, the acceptance first, however it was stored.
    for (const line of lines)
      expect(line.events.map((event) => event.status)).toEqual(["queued", line.message.id === early.id ? "delivered" : "failed"]);

    const onlyLate = await ndjson(await exportFrom(tenant.readKey, `from=${daysAgo(42)}&to=${daysAgo(35)}`));
    expect(onlyLate.map((line) => line.message.id)).toEqual([late.id]);

    const other = await createTenant(ops);
    expect(await ndjson(await exportFrom(other.readKey, `from=${daysAgo(60)}&to=${daysAgo(0)}`))).toEqual([]);
    expect((await exportFrom(other.readKey, `from=${daysAgo(60)}&to=${daysAgo(0)}&tenantId=${tenant.tenantId}`)).status).toBe(403);
    const opsWithout = await exportFrom(ops, `from=${daysAgo(60)}&to=${daysAgo(0)}`);
    expect(opsWithout.status).toBe(400);
    expect((await ndjson(await exportFrom(ops, `from=${daysAgo(60)}&to=${daysAgo(0)}&tenantId=${tenant.tenantId}`))).length).toBe(2);
    expect((await exportFrom(tenant.readKey, "from=yesterday&to=today")).status).toBe(400);
  });
});
