import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Where the deploy's ENCRYPTION_SECRET comes from. It is kept on disk (mode 600, git-ignored)
 * only between generating it and the last worker receiving it, so a run cut short in between
 * gives the remaining workers the same value on the next run.
 */
export type SecretSource = {
  /** The pending secret of an interrupted run, if any. */
  pending(): string | undefined;
  /** A new secret, kept as pending until `settled()`. */
  create(): string;
  settled(): void;
  /** RELAY_ENCRYPTION_SECRET: the operator's own value, e.g. for workers whose secret was set by hand. */
  provided: string | undefined;
};

export function fileSecretSource(pendingPath: string, provided = process.env.RELAY_ENCRYPTION_SECRET): SecretSource {
  return {
    provided: provided || undefined,
    pending: () => (existsSync(pendingPath) ? readFileSync(pendingPath, "utf8").trim() : undefined),
    create() {
      const secret = randomBytes(32).toString("base64url");
      mkdirSync(dirname(pendingPath), { recursive: true });
      writeFileSync(pendingPath, secret, { mode: 0o600 });
      return secret;
    },
    settled: () => rmSync(pendingPath, { force: true }),
  };
}
