import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";
import { closeServer, listenOnLoopback } from "./loopback-server";

export type VerifiedEvent = { webhookId: string; id: string; type: string; timestamp: string; data: { id: string; status: string } };

/**
 * A tenant's webhook endpoint on 127.0.0.1, as a tenant would write one: every post is
 * verified with the standardwebhooks library and the endpoint's secret (set once Relay shows
 * it); what verifies is kept, what does not is counted and refused with 401.
 */
export async function startFakeEventEndpoint() {
  let verifier: Webhook | undefined;
  let status = 204;
  let latencyMs = 0;
  const events: VerifiedEvent[] = [];
  const refusedStatuses: number[] = [];
  let unverified = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      const answer = (code: number) => setTimeout(() => response.writeHead(code).end(`status ${code}`), latencyMs);
      let event: Omit<VerifiedEvent, "webhookId">;
      try {
        if (!verifier) throw new Error("no secret yet");
        event = verifier.verify(body, headers) as Omit<VerifiedEvent, "webhookId">;
      } catch {
        unverified++;
        return answer(401);
      }
      if (status >= 300) {
        refusedStatuses.push(status);
        return answer(status);
      }
      events.push({ ...event, webhookId: headers["webhook-id"] });
      answer(status);
    });
  });
  const url = await listenOnLoopback(server);
  return {
    url: `${url}/relay-events`,
    events,
    refusedStatuses,
    unverified: () => unverified,
    /** The endpoint's secret, as Relay showed it once. */
    trust(secret: string) {
      verifier = new Webhook(secret);
    },
    answerWith(code: number) {
      status = code;
    },
    setLatency(ms: number) {
      latencyMs = ms;
    },
    /** The verified events about one message, by type. */
    typesFor(messageId: string): string[] {
      return events.filter((event) => event.data.id === messageId).map((event) => event.type);
    },
    close: () => closeServer(server),
  };
}

export type FakeEventEndpoint = Awaited<ReturnType<typeof startFakeEventEndpoint>>;
