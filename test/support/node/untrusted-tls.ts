/**
 * Vitest globalSetup (runs in Node): an HTTPS server on 127.0.0.1 whose certificate is
 * self-signed, made fresh for each run and trusted by nobody, so a provider test against it
 * fails in its TLS handshake.
 */
import { createServer } from "node:https";
import { generate } from "selfsigned";
import type { TestProject } from "vitest/node";
import { closeServer, listenOnLoopback } from "./fakes/loopback-server";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], { keySize: 2048, algorithm: "sha256" });
  const server = createServer({ key: pems.private, cert: pems.cert }, (_request, response) => {
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  const url = (await listenOnLoopback(server)).replace(/^http:/, "https:");
  project.provide("untrustedTls", url);
  return () => closeServer(server);
}
