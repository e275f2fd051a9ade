import { afterEach, describe, expect, it } from "vitest";
import { eventually, relayClient } from "./harness/relay-client";
import { type StackProcess, startStackProcess } from "./harness/stack-process";

type Run = { id: string; status: string; archived: number; objects: number };
const TOTAL = 1_000;

let stack: StackProcess | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("the R2 archive on the local stack", () => {
  it("SIGKILL mid-pass, then the pass resumes: every message ends in exactly one place, and still answers", async () => {
    // A short archive budget per cron tick spreads the pass over several ticks: the kill lands mid-pass.
    stack = await startStackProcess({ cronMs: 1_000, dispatch: { ARCHIVE_BUDGET_MS: 100 } });
    const current = stack;
    const relay = relayClient(() => current.credentials);

    const ids: string[] = [];
    for (let batch = 0; batch < TOTAL / 100; batch++) {
      const messages = Array.from({ length: 100 }, (_, i) => ({
        channel: "sms",
        to: `+1415555${String(1000 + ((batch * 100 + i) % 9000)).padStart(4, "0")}`,
        content: { text: `archive me ${batch}-${i}` },
      }));
      const answer = await relay.asTenant<{ items: { id: string }[] }>("POST", "/v1/messages/batch", { messages });
      expect(answer.status).toBe(202);
      ids.push(...answer.body.data.items.map((item) => item.id));
    }
    await eventually(
      async () => {
        const inFlight = await relay.asTenant<{ items: unknown[] }>("GET", "/v1/messages?status=queued&limit=1");
        const sending = await relay.asTenant<{ items: unknown[] }>("GET", "/v1/messages?status=sending&limit=1");
        return inFlight.body.data.items.length + sending.body.data.items.length === 0 ? true : undefined;
      },
      120_000,
      500,
    );

    const before = new Date(Date.now() + 1_000).toISOString();
    const started = await relay.asAdmin<Run>("POST", "/v1/archive/runs", { before, tenantId: current.credentials.tenantId });
    expect(started.status).toBe(202);
    const runId = started.body.data.id;

    const atKill = await eventually(
      async () => {
        const run = await relay.asAdmin<Run>("GET", `/v1/archive/runs/${runId}`);
        return run.body.data.archived > 0 ? run.body.data : undefined;
      },
      60_000,
      20,
    );
    await current.kill();
    expect(atKill.archived).toBeLessThan(TOTAL);

    await current.restart();
    const done = await eventually(
      async () => {
        const run = await relay.asAdmin<Run>("GET", `/v1/archive/runs/${runId}`);
        return run.body.data.status === "done" ? run.body.data : undefined;
      },
      120_000,
      500,
    );
    expect(done.archived).toBe(TOTAL);

    // Nothing left in D1 …
    const live = await relay.asTenant<{ items: unknown[] }>("GET", "/v1/messages?limit=100");
    expect(live.body.data.items).toEqual([]);
    // … each exactly once in the archive …
    const exported = await fetch(
      `${current.credentials.ingestUrl}/v1/exports?from=2000-01-01T00:00:00Z&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      { headers: { authorization: `Bearer ${current.credentials.apiKey}` } },
    );
    expect(exported.status).toBe(200);
    const lines = (await exported.text()).split("\n").filter(Boolean);
    const exportedIds = lines.map((line) => (JSON.parse(line) as { message: { id: string } }).message.id);
    expect(exportedIds.length).toBe(TOTAL);
    expect(new Set(exportedIds)).toEqual(new Set(ids));
    // … and each still answers, from the archive, with its whole timeline.
    for (const id of ids.filter((_, index) => index % 100 === 0)) {
      const answer = await relay.asTenant<{ archived?: boolean; status: string; events: { status: string }[] }>(
        "GET",
        `/v1/messages/${id}`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.data).toMatchObject({ archived: true, status: "sent" });
      expect(answer.body.data.events.map((event) => event.status)).toEqual(["queued", "sending", "sent"]);
    }
  });
});
