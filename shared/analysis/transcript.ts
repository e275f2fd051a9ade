import { desc, eq } from "drizzle-orm";
import type { Database } from "../db/database";
import { messages } from "../db/schema";
import type { Transcript } from "./analyzer";

/** The newest `limit` messages of a conversation with text, oldest first. */
export async function transcriptOf(db: Database, conversationId: string, channel: string, limit: number): Promise<Transcript> {
  const rows = await db
    .select({ direction: messages.direction, content: messages.content })
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  const texts = rows
    .reverse()
    .map((row) => ({ direction: row.direction, text: (row.content.text ?? row.content.title ?? "").trim() }))
    .filter((message) => message.text.length > 0);
  return { channel, messages: texts };
}
