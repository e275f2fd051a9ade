import createClient, { type Client } from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths };
/** A message request, one shape per channel: what `POST /v1/messages` and `RelayService.send` take. */
export type MessageRequest = components["schemas"]["SendMessageRequest"];
export type Message = components["schemas"]["Message"];
export type RelayError = components["schemas"]["Error"];

export type RelayClientOptions = {
  /** The ingest worker, e.g. http://127.0.0.1:8787 or https://relay-ingest.<subdomain>.workers.dev */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof globalThis.fetch;
};

/**
 * A typed client for Relay's HTTP API (openapi-fetch over the types openapi-typescript generated
 * from /openapi.json): paths, parameters, bodies and answers are checked at compile time, so a
 * request the server would refuse for its shape does not compile.
 */
export function createRelayClient(options: RelayClientOptions): Client<paths> {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
