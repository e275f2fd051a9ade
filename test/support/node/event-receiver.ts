/**
 * Vitest globalSetup (runs in Node) for tests that post tenant events: one HTTP server on
 * 127.0.0.1 where each test makes its own receiver (`POST /__receivers { answers }`: the status
 * of each successive request, the last one repeating), posts go to `/r/{id}`, and
 * `GET /__receivers/{id}/requests` lists what came.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";
import { closeServer, listenOnLoopback } from "./fakes/loopback-server";

type Receiver = { answers: number[]; requests: { headers: Record<string, string>; body: string }[] };

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receivers = new Map<string, Receiver>();
  let next = 0;
  const server = createServer((request, response) => {
    const [, section, id, rest] = new URL(request.url ?? "/", "http://127.0.0.1").pathname.split("/");
    void (async () => {
      if (section === "__receivers" && !id && request.method === "POST") {
        const { answers } = JSON.parse(await readBody(request)) as { answers: number[] };
        const receiverId = `rc${++next}`;
        receivers.set(receiverId, { answers, requests: [] });
        return json(response, 201, { id: receiverId });
      }
      const receiver = id ? receivers.get(id) : undefined;
      if (!receiver) return json(response, 404, { message: "unknown receiver" });
      if (section === "__receivers" && rest === "requests") return json(response, 200, receiver.requests);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      receiver.requests.push({ headers, body: await readBody(request) });
      const status = receiver.answers[Math.min(receiver.requests.length - 1, receiver.answers.length - 1)];
      response.writeHead(status, { "content-type": "text/plain" }).end(`answer ${receiver.requests.length}: ${status}`);
    })();
  });
  const url = await listenOnLoopback(server);
  project.provide("eventReceiver", url);
  return () => closeServer(server);
}
