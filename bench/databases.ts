import { startBaseline } from "./baseline-target";
import { measure, measureIngestAlone, type PhaseResult } from "./phase";

export type DatabasesRun = { databases: number; phase: PhaseResult; ingestAlone: number };
export type DatabasesReport = { at: string; machine: string; runs: DatabasesRun[] };

/** The baseline with its writes spread over 1, then N, local D1 databases (tenants hashed to one each). */
export async function measureDatabases(counts: number[], messages: number, concurrency: number): Promise<DatabasesRun[]> {
  const runs: DatabasesRun[] = [];
  for (const databases of counts) {
    const target = await startBaseline(databases);
    const phase = await measure(target, messages, concurrency);
    const ingestAlone = await measureIngestAlone(target, messages, concurrency);
    await target.stop();
    runs.push({ databases, phase, ingestAlone });
  }
  return runs;
}

export function databasesTable(runs: DatabasesRun[]): string {
  const [one] = runs;
  const ratio = (a: number, b: number) => `${Math.round((a / b) * 100) / 100}x`;
  const row = (cells: (string | number)[]) =>
    cells.map((cell, i) => (i === 0 ? String(cell).padEnd(34) : String(cell).padStart(14))).join("");
  const lines = [row(["baseline, databases", ...runs.map((run) => run.databases)])];
  const add = (label: string, value: (run: DatabasesRun) => number) =>
    lines.push(row([label, ...runs.map((run) => (run === one ? value(run) : `${value(run)} ${ratio(value(run), value(one))}`))]));
  add("ingest requests/s, while delivering", (run) => run.phase.ingestPerSecond);
  add("ingest requests/s, delivery idle", (run) => run.ingestAlone);
  add("drain messages/s", (run) => run.phase.drainPerSecond);
  lines.push(row(["ingest p50/p99 (ms)", ...runs.map((run) => `${run.phase.latencyMs.p50}/${run.phase.latencyMs.p99}`)]));
  lines.push(row(["messages accepted", ...runs.map((run) => run.phase.accepted)]));
  return lines.join("\n");
}
