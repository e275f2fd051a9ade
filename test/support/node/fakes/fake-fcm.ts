import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type Behaviour, readBody, resolve } from "./fake-behaviour";
import { verifyJwt } from "./jwt-verification";
import { closeServer, listenOnLoopback } from "./loopback-server";

export type FcmServiceAccount = {
  type: "service_account";
  project_id: string;
  client_email: string;
  private_key: string;
  token_uri: string;
};
export type FcmSend = { name: string; token: string; message: Record<string, unknown> };
/** What the fake knows of one project: its account, the tokens it issued, what it received. */
export type FcmProjectState = { tokenRequests: number; sends: FcmSend[]; requests: number; refusedBearers: number };

type Project = FcmProjectState & {
  account: FcmServiceAccount;
  publicKey: KeyObject;
  issued: Set<string>;
  unregistered: Set<string>;
  fallback: Behaviour;
  /** This many sends answer 500 INTERNAL before the fallback applies again. */
  failuresLeft: number;
  tokenLifetimeSeconds: number;
};

const SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

function json(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(value));
}

function fcmError(
  response: ServerResponse,
  status: number,
  rpcStatus: string,
  errorCode: string,
  message: string,
  headers: Record<string, string> = {},
) {
  json(
    response,
    status,
    {
      error: {
        code: status,
        message,
        status: rpcStatus,
        details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode }],
      },
    },
    headers,
  );
}

/**
 * FCM HTTP v1 and Google's OAuth token endpoint on 127.0.0.1. Each project has its own service
 * account (a fresh RSA key): `/token` verifies the JWT assertion's RS256 signature against the
 * account's public key (issuer, audience, scope, expiry) before issuing a bearer token, and
 * `messages:send` takes only a bearer token it issued for that project. Control routes
 * (`/__…`) let Workers-side tests make projects, read what arrived and set behaviours.
 */
export async function startFakeFcm() {
  const projects = new Map<string, Project>();
  let baseUrl = "";

  function createProject(): FcmServiceAccount {
    const projectId = `relay-test-${randomBytes(5).toString("hex")}`;
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const account: FcmServiceAccount = {
      type: "service_account",
      project_id: projectId,
      client_email: `relay@${projectId}.iam.gserviceaccount.com`,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      token_uri: `${baseUrl}/token`,
    };
    projects.set(projectId, {
      account,
      publicKey: createPublicKey(publicKey.export({ type: "spki", format: "pem" })),
      issued: new Set(),
      unregistered: new Set(),
      fallback: { kind: "ok" },
      failuresLeft: 0,
      tokenLifetimeSeconds: 3600,
      tokenRequests: 0,
      sends: [],
      requests: 0,
      refusedBearers: 0,
    });
    return account;
  }

  function issueToken(body: string, response: ServerResponse) {
    const assertion = new URLSearchParams(body).get("assertion") ?? "";
    const claims = JSON.parse(Buffer.from(assertion.split(".")[1] ?? "", "base64url").toString("utf8") || "{}") as Record<string, unknown>;
    const project = [...projects.values()].find((p) => p.account.client_email === claims.iss);
    if (!project) return json(response, 400, { error: "invalid_grant", error_description: "unknown service account" });
    project.tokenRequests++;
    const verified = verifyJwt(assertion, project.publicKey, "RS256");
    const now = Math.floor(Date.now() / 1000);
    const valid =
      verified &&
      verified.claims.aud === project.account.token_uri &&
      verified.claims.scope === SCOPE &&
      typeof verified.claims.exp === "number" &&
      verified.claims.exp > now &&
      verified.claims.exp - now <= 3600;
    if (!valid) return json(response, 400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
    const token = `ya29.${randomBytes(24).toString("base64url")}`;
    project.issued.add(token);
    json(response, 200, { access_token: token, expires_in: project.tokenLifetimeSeconds, token_type: "Bearer" });
  }

  function send(project: Project, request: IncomingMessage, body: string, response: ServerResponse) {
    project.requests++;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!bearer || !project.issued.has(bearer)) {
      project.refusedBearers++;
      return json(response, 401, {
        error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" },
      });
    }
    const payload = JSON.parse(body) as { validate_only?: boolean; message?: Record<string, unknown> };
    const token = typeof payload.message?.token === "string" ? payload.message.token : "";
    if (project.unregistered.has(token)) return fcmError(response, 404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.");
    if (payload.validate_only)
      return fcmError(
        response,
        400,
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
      );
    const failing = project.failuresLeft > 0;
    if (failing) project.failuresLeft--;
    const behaviour: ReturnType<typeof resolve> = failing ? { kind: "fail", status: 500 } : resolve(project.fallback);
    if (behaviour.kind === "hang") return;
    if (behaviour.kind === "drop") return request.socket.destroy();
    if (behaviour.kind === "fail") {
      const code = String(behaviour.code ?? (behaviour.status === 429 ? "QUOTA_EXCEEDED" : "INTERNAL"));
      return fcmError(
        response,
        behaviour.status,
        behaviour.status === 429 ? "RESOURCE_EXHAUSTED" : "INTERNAL",
        code,
        behaviour.message ?? "fake failure",
        { "retry-after": "1" },
      );
    }
    const name = `projects/${project.account.project_id}/messages/${randomBytes(8).toString("hex")}`;
    project.sends.push({ name, token, message: payload.message ?? {} });
    json(response, 200, { name });
  }

  async function control(request: IncomingMessage, path: string, body: string, response: ServerResponse) {
    if (request.method === "POST" && path === "/__projects") return json(response, 201, { serviceAccount: createProject() });
    const match = /^\/__projects\/([^/]+)(\/[a-z-]+)?$/.exec(path);
    const project = match ? projects.get(match[1]) : undefined;
    if (!project) return json(response, 404, { error: "no such project" });
    const { tokenRequests, sends, requests, refusedBearers } = project;
    if (request.method === "GET" && !match?.[2]) return json(response, 200, { tokenRequests, sends, requests, refusedBearers });
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (match?.[2] === "/behaviour") project.fallback = input as Behaviour;
    else if (match?.[2] === "/unregister") project.unregistered.add(String(input.token));
    else if (match?.[2] === "/revoke-tokens") project.issued.clear();
    else return json(response, 404, { error: "no such control" });
    json(response, 200, { ok: true });
  }

  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (path.startsWith("/__")) return control(request, path, body, response);
    if (request.method === "POST" && path === "/token") return issueToken(body, response);
    const send_ = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path);
    const project = send_ ? projects.get(decodeURIComponent(send_[1])) : undefined;
    if (request.method === "POST" && project) return send(project, request, body, response);
    json(response, 404, { error: { code: 404, message: "not found", status: "NOT_FOUND" } });
  });

  baseUrl = await listenOnLoopback(server);
  return {
    baseUrl,
    createProject,
    state: (projectId: string): FcmProjectState | undefined => projects.get(projectId),
    setBehaviour(projectId: string, behaviour: Behaviour) {
      const project = projects.get(projectId);
      if (project) project.fallback = behaviour;
    },
    failNext(projectId: string, count: number) {
      const project = projects.get(projectId);
      if (project) project.failuresLeft = count;
    },
    unregister(projectId: string, token: string) {
      projects.get(projectId)?.unregistered.add(token);
    },
    close: () => closeServer(server),
  };
}
export type FakeFcm = Awaited<ReturnType<typeof startFakeFcm>>;
