/**
 * Vitest globalSetup (runs in Node) for the SMTP adapter tests: fake SMTP servers built on
 * `smtp-server`, a TCP server that never answers, a port nothing listens on, and a small HTTP
 * "inbox" that returns what the SMTP servers received (tests run in workerd and cannot read this
 * process's memory). Everything listens on 127.0.0.1 only.
 *
 * Forced replies: a recipient at `reject.test` gets 550, at `later.test` 451, a message to
 * `spam.test` is refused with 554 at the end of DATA, and AUTH as ECHOING_USERNAME gets a 535
 * that quotes the password.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket, type Server as TcpServer } from "node:net";
import PostalMime, { type Address } from "postal-mime";
import { SMTPServer, type SMTPServerError, type SMTPServerOptions } from "smtp-server";
import type { TestProject } from "vitest/node";
import type { RecordedMessage } from "../provided-context";

const HOST = "127.0.0.1";
const ECHOING_USERNAME = "echo-my-password";

function smtpError(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

function recipientDomain(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

async function recorded(raw: Buffer, envelope: RecordedMessage["envelope"]): Promise<RecordedMessage> {
  const email = await PostalMime.parse(raw);
  const addressOf = (entry: Address) => ("address" in entry ? (entry.address ?? "") : "");
  return {
    envelope,
    raw: raw.toString("utf8"),
    parsed: {
      subject: email.subject,
      messageId: email.messageId,
      from: email.from ? addressOf(email.from) : undefined,
      to: email.to?.map(addressOf),
      text: email.text,
      html: email.html,
    },
  };
}

function fakeSmtpServer(inbox: RecordedMessage[], credentials: { username: string; password: string }, options: SMTPServerOptions) {
  return new SMTPServer({
    logger: false,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.username && auth.password === credentials.password) return callback(null, { user: auth.username });
      // A careless server quoting the secret back: the adapter must not pass it on.
      if (auth.username === ECHOING_USERNAME) return callback(smtpError(535, `5.7.8 password ${auth.password} is wrong`));
      callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    },
    onRcptTo(address, _session, callback) {
      const domain = recipientDomain(address.address);
      if (domain === "reject.test") return callback(smtpError(550, `5.1.1 <${address.address}>: mailbox unavailable`));
      if (domain === "later.test") return callback(smtpError(451, "4.3.0 Mailbox busy, try again later"));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((recipient) => recipient.address);
        if (to.some((address) => recipientDomain(address) === "spam.test")) return callback(smtpError(554, "5.6.0 Content rejected"));
        const mailFrom = session.envelope.mailFrom;
        recorded(Buffer.concat(chunks), { from: mailFrom ? mailFrom.address : "", to }).then(
          (message) => {
            inbox.push(message);
            callback(null, `OK: queued as Q${inbox.length}`);
          },
          (error: Error) => callback(smtpError(451, `4.3.0 could not record the message: ${error.message}`)),
        );
      });
    },
    ...options,
  });
}

async function listen(server: SMTPServer | TcpServer | HttpServer): Promise<number> {
  const listening = server instanceof SMTPServer ? server.server : server;
  listening.listen(0, HOST);
  await once(listening, "listening");
  return (listening.address() as AddressInfo).port;
}

async function portNothingListensOn(): Promise<number> {
  const probe = createTcpServer();
  const port = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const inbox: RecordedMessage[] = [];
  const credentials = { username: `relay-${randomBytes(4).toString("hex")}`, password: randomBytes(18).toString("base64url") };

  const smtpServers = {
    main: fakeSmtpServer(inbox, credentials, { hideSTARTTLS: true, authMethods: ["PLAIN", "LOGIN"] }),
    loginOnly: fakeSmtpServer(inbox, credentials, { hideSTARTTLS: true, authMethods: ["LOGIN"] }),
    noAuth: fakeSmtpServer(inbox, credentials, { hideSTARTTLS: true, authOptional: true, disabledCommands: ["AUTH"] }),
    startTls: fakeSmtpServer(inbox, credentials, { authMethods: ["PLAIN"] }),
  };
  // A TLS handshake workerd gives up on is expected here; it must not crash the run.
  for (const server of Object.values(smtpServers)) server.on("error", () => {});

  const silentSockets = new Set<Socket>();
  const silent = createTcpServer((socket) => {
    silentSockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => silentSockets.delete(socket));
  });

  const inboxServer = createHttpServer((request, response) => {
    const to = new URL(request.url ?? "/", `http://${HOST}`).searchParams.get("to");
    const matching = inbox.filter((message) => to === null || message.envelope.to.includes(to));
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(matching));
  });

  const closedPort = await portNothingListensOn();
  project.provide("smtp", {
    host: HOST,
    port: await listen(smtpServers.main),
    loginOnlyPort: await listen(smtpServers.loginOnly),
    noAuthPort: await listen(smtpServers.noAuth),
    startTlsPort: await listen(smtpServers.startTls),
    silentPort: await listen(silent),
    closedPort,
    inboxUrl: `http://${HOST}:${await listen(inboxServer)}/messages`,
    ...credentials,
    echoingUsername: ECHOING_USERNAME,
  });

  return async () => {
    for (const socket of silentSockets) socket.destroy();
    inboxServer.closeAllConnections();
    await Promise.all([
      ...Object.values(smtpServers).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      new Promise<void>((resolve) => silent.close(() => resolve())),
      new Promise<void>((resolve) => inboxServer.close(() => resolve())),
    ]);
  };
}
