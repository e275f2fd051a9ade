import { connect } from "cloudflare:sockets";
import { textToBase64 } from "../../encoding/bytes";

export type SmtpSecurity = "tls" | "starttls" | "none";
export type SmtpStage = "connect" | "greeting" | "ehlo" | "starttls" | "auth" | "mail" | "rcpt" | "data" | "message";
export type SmtpReply = { code: number; lines: string[] };

export type SmtpServer = {
  host: string;
  port: number;
  security: SmtpSecurity;
  credentials?: { username: string; password: string };
  /** The name given in EHLO. */
  clientName: string;
};

const STAGE_LABEL: Record<SmtpStage, string> = {
  connect: "connecting",
  greeting: "the greeting",
  ehlo: "EHLO",
  starttls: "STARTTLS",
  auth: "AUTH",
  mail: "MAIL FROM",
  rcpt: "RCPT TO",
  data: "DATA",
  message: "the end of the message data",
};

/** Any failure of the conversation. `code` is the reply code when the server answered, otherwise a short slug. */
export class SmtpError extends Error {
  constructor(
    readonly stage: SmtpStage,
    readonly code: string,
    message: string,
    readonly reply?: SmtpReply,
  ) {
    super(message);
    this.name = "SmtpError";
  }
}

const MAX_LINE_CHARS = 4096;
const MAX_REPLY_LINES = 200;
const encoder = new TextEncoder();

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One TCP (or TLS) connection: reads replies, writes commands, and gives up as soon as the signal aborts. */
class SmtpConnection {
  stage: SmtpStage = "connect";
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  private writer: WritableStreamDefaultWriter<Uint8Array>;
  private buffered = "";
  private readonly decoder = new TextDecoder();
  private readonly aborted: Promise<never>;
  private readonly onAbort: () => void;

  constructor(
    private socket: Socket,
    readonly peer: string,
    private readonly implicitTls: boolean,
    private readonly signal: AbortSignal,
  ) {
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
    let rejectAborted: (reason: unknown) => void = () => {};
    this.aborted = new Promise<never>((_, reject) => {
      rejectAborted = reject;
    });
    // Raced by every step; an abort while no step is waiting must not surface as an unhandled rejection.
    this.aborted.catch(() => {});
    this.onAbort = () => {
      rejectAborted(signal.reason);
      void this.close();
    };
    if (signal.aborted) this.onAbort();
    else signal.addEventListener("abort", this.onAbort, { once: true });
  }

  async waitOpened(): Promise<void> {
    await this.guard(this.socket.opened);
  }

  async readReply(): Promise<SmtpReply> {
    const lines: string[] = [];
    let code = 0;
    for (;;) {
      const line = await this.readLine();
      const match = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line);
      if (!match || (code !== 0 && Number(match[1]) !== code) || lines.length >= MAX_REPLY_LINES)
        throw this.protocolError(`unexpected reply line "${line.slice(0, 200)}"`);
      code = Number(match[1]);
      lines.push(match[3]);
      if (match[2] !== "-") return { code, lines };
    }
  }

  async write(text: string): Promise<void> {
    await this.guard(this.writer.write(encoder.encode(text)));
  }

  async command(line: string): Promise<SmtpReply> {
    await this.write(`${line}\r\n`);
    return this.readReply();
  }

  upgradeToTls(): void {
    // Anything already buffered arrived in plaintext and could be injected; refuse it (cf. CVE-2011-0411).
    if (this.buffered.length > 0) throw this.protocolError("the server sent data before the TLS handshake");
    this.reader.releaseLock();
    this.writer.releaseLock();
    try {
      this.socket = this.socket.startTls();
    } catch (error) {
      throw new SmtpError(this.stage, "tls_failed", `${this.peer}: could not start TLS: ${messageOf(error)}`);
    }
    this.reader = this.socket.readable.getReader();
    this.writer = this.socket.writable.getWriter();
  }

  async close(): Promise<void> {
    this.signal.removeEventListener("abort", this.onAbort);
    try {
      await this.socket.close();
    } catch {
      // Already closed or never opened: nothing left to release.
    }
  }

  private async readLine(): Promise<string> {
    for (;;) {
      const end = this.buffered.indexOf("\n");
      if (end >= 0) {
        const line = this.buffered.slice(0, end).replace(/\r$/, "");
        this.buffered = this.buffered.slice(end + 1);
        return line;
      }
      if (this.buffered.length > MAX_LINE_CHARS) throw this.protocolError("a reply line is too long");
      const { value, done } = await this.guard(this.reader.read());
      if (done)
        throw new SmtpError(this.stage, "connection_closed", `${this.peer} closed the connection during ${STAGE_LABEL[this.stage]}`);
      this.buffered += this.decoder.decode(value, { stream: true });
    }
  }

  /** Runs one socket operation, turning an abort or a socket error into an SmtpError that names the stage. */
  private async guard<T>(operation: Promise<T>): Promise<T> {
    try {
      return await Promise.race([operation, this.aborted]);
    } catch (error) {
      if (error instanceof SmtpError) throw error;
      const during = STAGE_LABEL[this.stage];
      if (this.signal.aborted) {
        const reason = this.signal.reason;
        const timedOut = reason instanceof Error && reason.name === "TimeoutError";
        throw new SmtpError(
          this.stage,
          timedOut ? "timeout" : "aborted",
          `${this.peer} did not finish ${during} before the ${timedOut ? "deadline" : "send was aborted"}`,
        );
      }
      throw this.transportError(error);
    }
  }

  private transportError(error: unknown): SmtpError {
    const detail = messageOf(error);
    if (this.stage === "starttls")
      // workerd reports a refused certificate as an opaque "internal error", so say what it most likely was.
      return new SmtpError(this.stage, "tls_failed", `${this.peer}: STARTTLS failed (is the server's certificate trusted?): ${detail}`);
    if (this.stage === "connect")
      return new SmtpError(
        this.stage,
        "connection_failed",
        `${this.peer}: could not open a ${this.implicitTls ? "TLS " : ""}connection: ${detail}`,
      );
    return new SmtpError(this.stage, "connection_failed", `${this.peer}: connection lost during ${STAGE_LABEL[this.stage]}: ${detail}`);
  }

  private protocolError(detail: string): SmtpError {
    return new SmtpError(this.stage, "protocol_error", `${this.peer} broke the SMTP protocol during ${STAGE_LABEL[this.stage]}: ${detail}`);
  }
}

/**
 * An authenticated SMTP session, ready to take messages. `start` connects, greets, upgrades to TLS
 * when configured (never silently falling back to plaintext) and authenticates when credentials are set.
 */
export class SmtpSession {
  authMechanism: "PLAIN" | "LOGIN" | null = null;

  private constructor(
    private readonly connection: SmtpConnection,
    private readonly server: SmtpServer,
  ) {}

  static async start(server: SmtpServer, signal: AbortSignal): Promise<SmtpSession> {
    const peer = `${server.host}:${server.port}`;
    let socket: Socket;
    try {
      const secureTransport = { tls: "on", starttls: "starttls", none: "off" }[server.security];
      socket = connect({ hostname: server.host, port: server.port }, { secureTransport, allowHalfOpen: false });
    } catch (error) {
      throw new SmtpError("connect", "connection_failed", `could not connect to ${peer}: ${messageOf(error)}`);
    }
    const session = new SmtpSession(new SmtpConnection(socket, peer, server.security === "tls", signal), server);
    try {
      await session.handshake();
      return session;
    } catch (error) {
      await session.connection.close();
      throw error;
    }
  }

  /** Sends one message (already MIME-encoded, CRLF line endings, not dot-stuffed); resolves with the final 250 reply. */
  /** Any recipient refused refuses the message: it goes to all of them or to none. */
  async deliver(envelope: { from: string; to: string[] }, data: string): Promise<SmtpReply> {
    await this.step("mail", `MAIL FROM:<${envelope.from}>`, [250]);
    for (const recipient of envelope.to) await this.step("rcpt", `RCPT TO:<${recipient}>`, [250, 251]);
    await this.step("data", "DATA", [354]);
    const stuffed = data.replace(/(^|\r\n)\./g, "$1..");
    this.connection.stage = "message";
    await this.connection.write(`${stuffed}${stuffed.endsWith("\r\n") ? "" : "\r\n"}.\r\n`);
    return this.expect("message", await this.connection.readReply(), [250]);
  }

  /** Says QUIT without waiting for the answer: the outcome is already known, and a slow server must not hold it. */
  async end(): Promise<void> {
    try {
      await this.connection.write("QUIT\r\n");
    } catch {
      // The connection is already gone; closing it below is all that is left.
    }
    await this.connection.close();
  }

  private async handshake(): Promise<void> {
    const { connection, server } = this;
    await connection.waitOpened();
    connection.stage = "greeting";
    this.expect("greeting", await connection.readReply(), [220]);
    let capabilities = await this.hello();
    if (server.security === "starttls") {
      if (!capabilities.has("STARTTLS"))
        throw new SmtpError(
          "starttls",
          "starttls_unsupported",
          `${connection.peer} does not offer STARTTLS; refusing to continue without TLS`,
        );
      await this.step("starttls", "STARTTLS", [220]);
      connection.upgradeToTls();
      // Capabilities from before the upgrade are discarded (RFC 3207 §4.2); the first exchange over TLS still counts as STARTTLS.
      capabilities = await this.hello("starttls");
    }
    if (server.credentials) await this.authenticate(server.credentials, capabilities.get("AUTH"));
  }

  /** EHLO, falling back to HELO for a server that does not know it; returns the advertised extensions. */
  private async hello(stage: SmtpStage = "ehlo"): Promise<Map<string, string[]>> {
    this.connection.stage = stage;
    const reply = await this.connection.command(`EHLO ${this.server.clientName}`);
    if (reply.code === 500 || reply.code === 502) {
      await this.step(stage, `HELO ${this.server.clientName}`, [250]);
      return new Map();
    }
    this.expect(stage, reply, [250]);
    const capabilities = new Map<string, string[]>();
    for (const line of reply.lines.slice(1)) {
      const [keyword = "", ...params] = line
        .trim()
        .toUpperCase()
        .split(/[\s=]+/);
      capabilities.set(keyword, params);
    }
    return capabilities;
  }

  private async authenticate(credentials: { username: string; password: string }, mechanisms: string[] | undefined): Promise<void> {
    const peer = this.connection.peer;
    if (!mechanisms) throw new SmtpError("auth", "auth_unsupported", `${peer} does not offer AUTH, but credentials are configured`);
    if (mechanisms.includes("PLAIN")) {
      this.authMechanism = "PLAIN";
      await this.step("auth", `AUTH PLAIN ${textToBase64(`\0${credentials.username}\0${credentials.password}`)}`, [235]);
    } else if (mechanisms.includes("LOGIN")) {
      this.authMechanism = "LOGIN";
      await this.step("auth", "AUTH LOGIN", [334]);
      await this.step("auth", textToBase64(credentials.username), [334]);
      await this.step("auth", textToBase64(credentials.password), [235]);
    } else {
      throw new SmtpError(
        "auth",
        "auth_unsupported",
        `${peer} offers AUTH ${mechanisms.join(" ")}, but only PLAIN and LOGIN are supported`,
      );
    }
  }

  private async step(stage: SmtpStage, command: string, accepted: number[]): Promise<SmtpReply> {
    this.connection.stage = stage;
    return this.expect(stage, await this.connection.command(command), accepted);
  }

  private expect(stage: SmtpStage, reply: SmtpReply, accepted: number[]): SmtpReply {
    if (accepted.includes(reply.code)) return reply;
    const text = reply.lines.join(" ").trim();
    throw new SmtpError(
      stage,
      String(reply.code),
      `${this.connection.peer} answered ${STAGE_LABEL[stage]} with ${reply.code} ${text}`,
      reply,
    );
  }
}
