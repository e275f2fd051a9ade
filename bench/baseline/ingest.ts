/**
 * The irreducible work of accepting a message: one D1 insert and one queue send. Relay's
 * ingest is measured against this. With `--databases N` the insert goes to the tenant's own
 * database of N (the `x-tenant` header, hashed).
 */
import { databaseOf, type ShardedEnv, shardOf } from "./shard";

type Env = ShardedEnv & { QUEUE: Queue<{ id: string; shard: number }> };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const body = await request.text();
    const id = crypto.randomUUID();
    const shard = shardOf(request.headers.get("x-tenant") ?? "", Number(env.SHARDS));
    await databaseOf(env, shard)
      .prepare("INSERT INTO baseline_messages (id, body, status, created_at) VALUES (?, ?, 'queued', ?)")
      .bind(id, body, new Date().toISOString())
      .run();
    // The benchmark's "delivery idle" phase delays the queue message, as Relay's scheduledAt does.
    await env.QUEUE.send({ id, shard }, { delaySeconds: Number(request.headers.get("x-delay-seconds") ?? 0) });
    return Response.json({ id, status: "queued" }, { status: 202 });
  },
} satisfies ExportedHandler<Env>;
