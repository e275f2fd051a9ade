import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export type DevSecrets = { ENCRYPTION_SECRET: string };

/**
 * The local stack's encryption secret: made at random on first start, then kept beside the
 * local database (git-ignored) so stored provider credentials still decrypt after a restart.
 */
export function devSecrets(path: string): DevSecrets {
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as DevSecrets;
  const secrets = { ENCRYPTION_SECRET: randomBytes(32).toString("base64url") };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
