/** The irreducible work of delivering: one D1 update per message, no provider at all. */
type Env = { DB: D1Database };

export default {
  async queue(batch: MessageBatch<{ id: string }>, env: Env): Promise<void> {
    for (const message of batch.messages) {
      await env.DB.prepare("UPDATE baseline_messages SET status = 'sent' WHERE id = ?").bind(message.body.id).run();
      message.ack();
    }
  },
} satisfies ExportedHandler<Env, { id: string }>;
