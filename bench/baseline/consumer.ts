/** The irreducible work of delivering: one D1 update per message (in its tenant's database), no provider at all. */
import { databaseOf, type ShardedEnv } from "./shard";

type Job = { id: string; shard: number };

export default {
  async queue(batch: MessageBatch<Job>, env: ShardedEnv): Promise<void> {
    for (const message of batch.messages) {
      await databaseOf(env, message.body.shard)
        .prepare("UPDATE baseline_messages SET status = 'sent' WHERE id = ?")
        .bind(message.body.id)
        .run();
      message.ack();
    }
  },
} satisfies ExportedHandler<ShardedEnv, Job>;
