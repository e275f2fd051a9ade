/**
 * The irreducible work of accepting a message: one D1 insert and one queue send. Relay's
 * ingest is measured against this.
 */
type Env = { DB: D1Database; QUEUE: Queue<{ id: string }> };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const body = await request.text();
    const id = crypto.randomUUID();
    await env.DB.prepare("INSERT INTO baseline_messages (id, body, status, created_at) VALUES (?, ?, 'queued', ?)")
      .bind(id, body, new Date().toISOString())
      .run();
    await env.QUEUE.send({ id });
    return Response.json({ id, status: "queued" }, { status: 202 });
  },
} satisfies ExportedHandler<Env>;
