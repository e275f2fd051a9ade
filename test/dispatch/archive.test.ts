import { env } from "cloudflare:workers";
import { eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { decodeArchive } from "../../shared/archive/archive-object";
import { database } from "../../shared/db/database";
import { archiveChunks, archiveRuns, deadLetters, media, messageEvents, messages, tenants } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import { mediaKey } from "../../shared/domain/media-key";
import { type ArchiveDeps, archiveChunk, completeChunk } from "../../workers/dispatch/archive/archive-chunk";
import { archiveTick, startRun } from "../../workers/dispatch/archive/archive-runs";
import { nextChunk } from "../../workers/dispatch/archive/chunk-selection";
import { archivedIds, daysAgo, idsInD1, oldMessage } from "../support/archive-fixtures";
import { db, eventsOf, insertMessage, newTenant } from "../support/d1-fixtures";

const deps = (): ArchiveDeps => ({ db: db(), bucket: env.ARCHIVE, attachments: env.ATTACHMENTS, media: env.MEDIA });
const runOf = async (id: string) => db().query.archiveRuns.findFirst({ where: eq(archiveRuns.id, id) });

/** Each message in exactly one place: D1 or one archive object — never both, never twice, never neither. */
async function expectEachOnce(tenantId: string, all: string[]) {
  const inD1 = await idsInD1(tenantId);
  const archived = await archivedIds(tenantId);
  expect(new Set(archived).size).toBe(archived.length);
  expect(archived.filter((id) => inD1.includes(id))).toEqual([]);
  expect([...inD1, ...archived].sort()).toEqual([...all].sort());
}

describe("archive pass", () => {
  it("moves finished messages past the cutoff, with their events, to R2 by tenant and day, and leaves the rest", async () => {
    const tenantId = await newTenant();
    const old = [await oldMessage(tenantId, 40), await oldMessage(tenantId, 40, "failed"), await oldMessage(tenantId, 35, "canceled")];
    const recent = await oldMessage(tenantId, 2);
    const stillQueued = await insertMessage(tenantId, { status: "queued", createdAt: daysAgo(40), updatedAt: daysAgo(40) });
    const heldByDeadLetter = await oldMessage(tenantId, 40, "failed");
    await db()
      .insert(deadLetters)
      .values({
        id: newId("deadLetter"),
        messageId: heldByDeadLetter.id,
        tenantId,
        attempts: 4,
        body: {},
        deadLetteredAt: daysAgo(40),
      });
    const expectedEvents = await eventsOf(old[0].id);

    const run = await startRun(db(), { tenantId, before: daysAgo(30, 0), requestedBy: "test" });
    await archiveTick(deps(), 20_000);

    expect(await runOf(run.id)).toMatchObject({ status: "done", archived: 3, objects: 2 });
    expect((await idsInD1(tenantId)).sort()).toEqual([recent.id, stillQueued.id, heldByDeadLetter.id].sort());
    expect(await eventsOf(old[0].id)).toEqual([]);
    const listed = await env.ARCHIVE.list({ prefix: `archive/${tenantId}/` });
    expect(listed.objects.map((o) => o.key.split("/")[2]).sort()).toEqual([daysAgo(40).slice(0, 10), daysAgo(35).slice(0, 10)].sort());
    const object = await env.ARCHIVE.get(listed.objects.find((o) => o.key.includes(daysAgo(40).slice(0, 10)))?.key ?? "");
    const lines = await decodeArchive((object as R2ObjectBody).body);
    const line = lines.find((l) => l.message.id === old[0].id);
    expect(line?.message).toMatchObject({ id: old[0].id, status: "delivered", tenantId });
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...(line?.events ?? [])].sort(byId)).toEqual(JSON.parse(JSON.stringify(expectedEvents)).sort(byId));
    await expectEachOnce(
      tenantId,
      [...old, recent, stillQueued, heldByDeadLetter].map((m) => m.id),
    );
  });

  it("takes an archived inbound message's stored files with it, and leaves a recent message's", async () => {
    const tenantId = await newTenant();
    const old = await oldMessage(tenantId, 40, "delivered", { direction: "inbound" });
    const recent = await oldMessage(tenantId, 2, "delivered", { direction: "inbound" });
    const stored = async (messageId: string) => {
      const row = {
        id: newId("media"),
        tenantId,
        messageId,
        providerId: "prv_archive_test",
        position: 0,
        source: "https://api.twilio.com/media/1",
        contentType: "image/png",
        name: "photo.png",
        size: 4,
        status: "stored" as const,
        createdAt: daysAgo(40),
        updatedAt: daysAgo(40),
      };
      await db().insert(media).values(row);
      await env.MEDIA.put(mediaKey(row), new Uint8Array([1, 2, 3, 4]));
      return row;
    };
    const [oldFile, recentFile] = [await stored(old.id), await stored(recent.id)];

    await startRun(db(), { tenantId, before: daysAgo(30, 0), requestedBy: "test" });
    await archiveTick(deps(), 20_000);

    expect(await idsInD1(tenantId)).toEqual([recent.id]);
    expect(await db().query.media.findFirst({ where: eq(media.id, oldFile.id) })).toBeUndefined();
    expect(await env.MEDIA.head(mediaKey(oldFile))).toBeNull();
    expect(await db().query.media.findFirst({ where: eq(media.id, recentFile.id) })).toBeDefined();
    expect(await env.MEDIA.head(mediaKey(recentFile))).not.toBeNull();
  });

  it("writes one object per chunk of at most 100 messages of one day", async () => {
    const tenantId = await newTenant();
    const all = [];
    for (let i = 0; i < 230; i++) all.push(await oldMessage(tenantId, 50));
    const run = await startRun(db(), { tenantId, before: daysAgo(30), requestedBy: "test" });
    await archiveTick(deps(), 20_000);
    expect(await runOf(run.id)).toMatchObject({ status: "done", archived: 230, objects: 3 });
    await expectEachOnce(
      tenantId,
      all.map((m) => m.id),
    );
    expect(await idsInD1(tenantId)).toEqual([]);
  }, 60_000);

  it("a crash after the object is written and before D1 lets go is completed by the next pass: nothing twice, nothing lost", async () => {
    const tenantId = await newTenant();
    const all = [await oldMessage(tenantId, 40), await oldMessage(tenantId, 40), await oldMessage(tenantId, 40)];
    const run = await startRun(db(), { tenantId, before: daysAgo(30), requestedBy: "test" });
    const chunk = await nextChunk(db(), tenantId, daysAgo(30));
    if (!chunk) throw new Error("no chunk");
    const crashing: ArchiveDeps = {
      db: new Proxy(db(), {
        get(target, property, receiver) {
          if (property === "batch") return () => Promise.reject(new Error("the worker died here"));
          return Reflect.get(target, property, receiver);
        },
      }),
      bucket: env.ARCHIVE,
      attachments: env.ATTACHMENTS,
      media: env.MEDIA,
    };
    await expect(archiveChunk(crashing, run.id, tenantId, chunk.day, chunk.ids)).rejects.toThrow("the worker died here");
    expect(await archivedIds(tenantId)).toHaveLength(3);
    expect(await idsInD1(tenantId)).toHaveLength(3);

    await archiveTick(deps(), 20_000);
    await expectEachOnce(
      tenantId,
      all.map((m) => m.id),
    );
    expect(await idsInD1(tenantId)).toEqual([]);
    expect(await db().select().from(archiveChunks).where(eq(archiveChunks.tenantId, tenantId))).toEqual([
      expect.objectContaining({ state: "done", messageIds: chunk.ids }),
    ]);
  });

  it("a message that changed after its object was written stays in D1; the outdated object goes; a later pass archives the new version", async () => {
    const tenantId = await newTenant();
    const message = await oldMessage(tenantId, 40, "sent");
    const run = await startRun(db(), { tenantId, before: daysAgo(30), requestedBy: "test" });
    const key = `archive/${tenantId}/${daysAgo(40).slice(0, 10)}/stale-test.ndjson.gz`;
    const chunk = {
      key,
      runId: run.id,
      tenantId,
      day: daysAgo(40).slice(0, 10),
      messageIds: [message.id],
      state: "pending" as const,
      finishedBy: null,
      createdAt: new Date().toISOString(),
    };
    await db().insert(archiveChunks).values(chunk);
    // The object is written as the message was; then a late `delivered` callback lands.
    const original: ArchiveDeps = deps();
    const lateCallback = {
      ...original,
      bucket: new Proxy(env.ARCHIVE, {
        get(target, property, receiver) {
          if (property !== "head") {
            const value = Reflect.get(target, property, receiver);
            return typeof value === "function" ? value.bind(target) : value;
          }
          return async (k: string) => {
            await database(env.DB).batch([
              database(env.DB)
                .update(messages)
                .set({ status: "delivered", updatedAt: new Date().toISOString() })
                .where(eq(messages.id, message.id)),
              database(env.DB)
                .insert(messageEvents)
                .values({
                  id: newId("event"),
                  messageId: message.id,
                  status: "delivered",
                  reason: "late",
                  source: "provider",
                  occurredAt: new Date().toISOString(),
                }),
            ]);
            return target.head(k);
          };
        },
      }),
    };
    expect(await completeChunk(lateCallback, chunk)).toBe("stale");
    expect(await env.ARCHIVE.head(key)).toBeNull();
    expect(await idsInD1(tenantId)).toEqual([message.id]);

    await archiveTick(deps(), 20_000);
    expect(await archivedIds(tenantId)).toEqual([message.id]);
    await expectEachOnce(tenantId, [message.id]);
    const listed = await env.ARCHIVE.list({ prefix: `archive/${tenantId}/` });
    const body = await env.ARCHIVE.get(listed.objects[0].key);
    const [archived] = await decodeArchive((body as R2ObjectBody).body);
    expect(archived.message.status).toBe("delivered");
    expect(archived.events.map((e) => e.status)).toEqual(["queued", "sent", "delivered"]);
  });

  it("two passes finishing one chunk at once: one archives it, the other stands aside", async () => {
    const tenantId = await newTenant();
    const all = [await oldMessage(tenantId, 40), await oldMessage(tenantId, 40)];
    const run = await startRun(db(), { tenantId, before: daysAgo(30), requestedBy: "test" });
    const chunk = {
      key: `archive/${tenantId}/${daysAgo(40).slice(0, 10)}/race.ndjson.gz`,
      runId: run.id,
      tenantId,
      day: daysAgo(40).slice(0, 10),
      messageIds: all.map((m) => m.id),
      state: "pending" as const,
      finishedBy: null,
      createdAt: new Date().toISOString(),
    };
    await db().insert(archiveChunks).values(chunk);
    const results = await Promise.all([completeChunk(deps(), chunk), completeChunk(deps(), chunk)]);
    expect(results.sort()).toEqual(["done", "taken"]);
    expect(await runOf(run.id)).toMatchObject({ archived: 2, objects: 1 });
    await expectEachOnce(
      tenantId,
      all.map((m) => m.id),
    );
  });

  it("the daily run archives each tenant by its own retention", async () => {
    const shortLived = await newTenant();
    const longLived = await newTenant();
    await db().update(tenants).set({ retentionDays: 7 }).where(eq(tenants.id, shortLived));
    // Earlier tests' ticks already ran today's daily pass; this one is the first of its day.
    await db().delete(archiveRuns).where(isNull(archiveRuns.tenantId));
    const a = await oldMessage(shortLived, 10);
    const b = await oldMessage(longLived, 10);
    await archiveTick(deps(), 20_000);
    expect(await idsInD1(shortLived)).toEqual([]);
    expect(await idsInD1(longLived)).toEqual([b.id]);
    expect(await archivedIds(shortLived)).toEqual([a.id]);
    const daily = await db().query.archiveRuns.findFirst({ where: isNull(archiveRuns.tenantId) });
    expect(daily).toMatchObject({ before: null, status: "done", requestedBy: "cron" });
    await archiveTick(deps(), 20_000);
    expect(await db().select().from(archiveRuns).where(isNull(archiveRuns.tenantId))).toHaveLength(1);
  });
});
