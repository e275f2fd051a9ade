import { createServer } from "node:http";
import { closeServer, listenOnLoopback } from "../test/support/node/fakes/loopback-server";

/** A tenant's event endpoint for the benchmark: answers 204 at once and counts the distinct events it got (times on the load clock, performance.now()). */
export async function startEventEndpoint() {
  const seen = new Set<string>();
  let lastAt = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      seen.add(String(request.headers["webhook-id"]));
      lastAt = performance.now();
      response.writeHead(204).end();
    });
  });
  const url = `${await listenOnLoopback(server)}/events`;
  return { url, received: () => seen.size, lastAt: () => lastAt, close: () => closeServer(server) };
}
