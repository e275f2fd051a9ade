export type MeterLine = {
  worker: string;
  unit: string;
  count: number;
  roundTrips: number;
  statements: number;
  guardReports?: number;
  guardReportMs?: number;
};

export type D1Costs = {
  ingestRoundTripsPerMessage: number;
  ingestStatementsPerMessage: number;
  dispatchRoundTripsPerMessage: number;
  dispatchStatementsPerMessage: number;
  /** Round trips of each delivery batch, by batch size: constant when D1 work is batched. */
  dispatchRoundTripsByBatchSize: Record<string, number[]>;
  /** ProviderGuard reports (breaker + durable health, one RPC and one storage put each) per message. */
  guardReportsPerMessage: number;
  /** Time dispatch awaited those reports, per message sent (ms). */
  guardReportMsPerMessage: number;
};

const average = (values: number[]) => (values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : 0);

/** Turns the workers' `d1.meter` log lines into D1 costs per message. */
export function d1Costs(lines: string[]): D1Costs {
  const meters = lines.map((line) => JSON.parse(line.slice(line.indexOf("{"))) as MeterLine);
  const sends = meters.filter((m) => m.worker === "ingest" && m.unit === "POST /v1/messages");
  const batches = meters.filter((m) => m.worker === "dispatch" && m.unit === "delivery batch");
  const delivered = batches.reduce((sum, m) => sum + m.count, 0) || 1;
  const byBatchSize: Record<string, number[]> = {};
  for (const batch of batches) byBatchSize[batch.count] = [...new Set([...(byBatchSize[batch.count] ?? []), batch.roundTrips])];
  return {
    ingestRoundTripsPerMessage: average(sends.map((m) => m.roundTrips)),
    ingestStatementsPerMessage: average(sends.map((m) => m.statements)),
    dispatchRoundTripsPerMessage: Math.round((batches.reduce((sum, m) => sum + m.roundTrips, 0) / delivered) * 1000) / 1000,
    dispatchStatementsPerMessage: Math.round((batches.reduce((sum, m) => sum + m.statements, 0) / delivered) * 100) / 100,
    dispatchRoundTripsByBatchSize: byBatchSize,
    guardReportsPerMessage: Math.round((batches.reduce((sum, m) => sum + (m.guardReports ?? 0), 0) / delivered) * 1000) / 1000,
    guardReportMsPerMessage: Math.round((batches.reduce((sum, m) => sum + (m.guardReportMs ?? 0), 0) / delivered) * 1000) / 1000,
  };
}
