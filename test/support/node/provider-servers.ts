/**
 * Vitest globalSetup (runs in Node) for the provider adapter tests: Prism mock servers built from
 * the repository's OpenAPI descriptions of the Twilio and Resend endpoints Relay calls, and one fake HTTP server that stands in for
 * SES and webhook receivers and can put itself in front of Prism to record what was sent.
 * Everything listens on 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import type { PrismName, RecordedRequest, ScenarioSpec } from "../provided-context";

const HOST = "127.0.0.1";
/** Relative to the project root: the repository's own descriptions of the endpoints Relay calls. */
const SPECS = {
  twilio: "test/support/provider-specs/twilio.yaml",
  resend: "test/support/provider-specs/resend.yaml",
  telegram: "test/support/provider-specs/telegram.yaml",
  slack: "test/support/provider-specs/slack.yaml",
} as const;
const PRISM_START_TIMEOUT_MS = 60_000;

type Scenario = ScenarioSpec & { requests: RecordedRequest[] };

async function listen(server: Server, port = 0): Promise<number> {
  server.listen(port, HOST);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  probe.close();
  await once(probe, "close");
  return port;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = String(value);
  return headers;
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

async function startPrism(root: string, name: PrismName, started: ChildProcess[]): Promise<string> {
  const port = await freePort();
  const cli = resolve(root, "node_modules/@stoplight/prism-cli/dist/index.js");
  const child = spawn(process.execPath, [cli, "mock", "-h", HOST, "-p", String(port), "--errors", resolve(root, SPECS[name])], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  started.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + PRISM_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Prism for ${name} exited (${child.exitCode}): ${stderr}`);
    try {
      await fetch(`${url}/__prism_ready`);
      return url;
    } catch {
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  throw new Error(`Prism for ${name} did not answer within ${PRISM_START_TIMEOUT_MS} ms: ${stderr}`);
}

async function proxy(prismUrl: string, request: IncomingMessage, path: string, body: string): Promise<Response> {
  const headers = headersOf(request);
  delete headers.host;
  delete headers["content-length"];
  delete headers.connection;
  return fetch(`${prismUrl}${path}`, { method: request.method, headers, body: body || undefined, redirect: "manual" });
}

function fakeServer(prism: Record<PrismName, string>) {
  const scenarios = new Map<string, Scenario>();
  let nextId = 0;

  async function play(scenario: Scenario, request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const body = await readBody(request);
    const recorded: RecordedRequest = { method: request.method ?? "GET", path, headers: headersOf(request), body };
    scenario.requests.push(recorded);
    const behaviour = scenario.routes?.[`${recorded.method} ${path.split("?")[0]}`] ?? scenario.fallback;
    if (!behaviour) return json(response, 404, { message: `no behaviour for ${recorded.method} ${path}` });
    if ("hang" in behaviour) return; // answered never; the socket is destroyed at teardown
    if ("reset" in behaviour) {
      request.socket.destroy();
      return;
    }
    if ("proxy" in behaviour) {
      const upstream = await proxy(prism[behaviour.proxy], request, path, body);
      recorded.upstreamStatus = upstream.status;
      const headers = Object.fromEntries(
        [...upstream.headers].filter(([name]) => !["content-length", "transfer-encoding", "connection"].includes(name)),
      );
      response.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
      return;
    }
    const text = typeof behaviour.body === "string" ? behaviour.body : behaviour.body === undefined ? "" : JSON.stringify(behaviour.body);
    const contentType = typeof behaviour.body === "object" ? { "content-type": "application/json" } : {};
    response.writeHead(behaviour.status, { ...contentType, ...behaviour.headers }).end(text);
  }

  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", `http://${HOST}`);
    const [, section, id, ...rest] = url.pathname.split("/");
    const handle = async () => {
      if (section === "__scenarios" && request.method === "POST" && !id) {
        const spec = JSON.parse(await readBody(request)) as ScenarioSpec;
        const scenarioId = `sc${++nextId}`;
        scenarios.set(scenarioId, { ...spec, requests: [] });
        return json(response, 201, { id: scenarioId });
      }
      const scenario = id ? scenarios.get(id) : undefined;
      if (!scenario) return json(response, 404, { message: "unknown scenario" });
      if (section === "__scenarios" && rest.join("/") === "requests") return json(response, 200, scenario.requests);
      if (section === "s") return play(scenario, request, response, `/${rest.join("/")}${url.search}`);
      return json(response, 404, { message: "unknown route" });
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { message: String(error) });
      else response.destroy();
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: ChildProcess[] = [];
  const servers: Server[] = [];
  const teardown = async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    for (const child of started) if (child.exitCode === null) child.kill();
    await Promise.all(started.map((child) => (child.exitCode === null ? once(child, "exit") : undefined)));
  };
  const { root } = project.config;
  try {
    const names = Object.keys(SPECS) as PrismName[];
    const urls = await Promise.all(names.map((name) => startPrism(root, name, started)));
    const prism = Object.fromEntries(names.map((name, index) => [name, urls[index]])) as Record<PrismName, string>;
    const fake = fakeServer(prism);
    servers.push(fake);
    const fakePort = await listen(fake);
    project.provide("providerServers", { prism, fake: `http://${HOST}:${fakePort}`, closedUrl: `http://${HOST}:${await freePort()}` });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
