import type { RelayClient } from "./relay-client";

export type ProviderInput = {
  type: string;
  name: string;
  priority?: number;
  enabled?: boolean;
  config: Record<string, unknown>;
  channel?: string;
};

/** Creates a provider for the demo tenant and returns its id. */
export async function addProvider(relay: RelayClient, tenantId: string, input: ProviderInput): Promise<string> {
  const created = await relay.asAdmin<{ id: string }>("POST", "/v1/providers", { ...input, tenantId });
  if (created.status !== 201) throw new Error(`provider: ${JSON.stringify(created.body)}`);
  return created.body.data.id;
}

/** Runs `work` over `count` items with `concurrency` in flight. */
export async function inParallel<T>(count: number, concurrency: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}
