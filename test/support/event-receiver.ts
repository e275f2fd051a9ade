import { inject } from "vitest";

export type ReceivedEvent = { headers: Record<string, string>; body: string };

export type EventReceiver = { url: string; requests(): Promise<ReceivedEvent[]> };

/** A fresh receiver answering each successive post with the next status of `answers` (the last repeats). */
export async function eventReceiver(answers: number[] = [204]): Promise<EventReceiver> {
  const base = inject("eventReceiver");
  const created = await fetch(`${base}/__receivers`, { method: "POST", body: JSON.stringify({ answers }) });
  const { id } = (await created.json()) as { id: string };
  return {
    url: `${base}/r/${id}`,
    requests: async () => (await (await fetch(`${base}/__receivers/${id}/requests`)).json()) as ReceivedEvent[],
  };
}
