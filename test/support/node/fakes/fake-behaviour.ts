import type { IncomingMessage, ServerResponse } from "node:http";

/** How a fake provider answers a send. */
export type Behaviour =
  | { kind: "ok" }
  | { kind: "fail"; status: number; code?: number | string; message?: string }
  | { kind: "hang" }
  | { kind: "drop" }
  /** Fail at random: `rate` of the sends get a 500 or hang (half each). */
  | { kind: "flaky"; rate: number };

export type Resolved = Exclude<Behaviour, { kind: "flaky" }>;

export function resolve(behaviour: Behaviour, random = Math.random): Resolved {
  if (behaviour.kind !== "flaky") return behaviour;
  if (random() >= behaviour.rate) return { kind: "ok" };
  return random() < 0.5 ? { kind: "fail", status: 500, message: "flaky" } : { kind: "hang" };
}

/** Applies a non-ok behaviour; returns false when the request should be answered normally. */
export function misbehave(
  behaviour: Resolved,
  request: IncomingMessage,
  response: ServerResponse,
  errorBody: (b: Extract<Resolved, { kind: "fail" }>) => unknown,
): boolean {
  if (behaviour.kind === "ok") return false;
  if (behaviour.kind === "hang") return true; // never answered; the client times out
  if (behaviour.kind === "drop") {
    request.socket.destroy();
    return true;
  }
  response.writeHead(behaviour.status, { "content-type": "application/json" }).end(JSON.stringify(errorBody(behaviour)));
  return true;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of request) body += chunk;
  return body;
}
