import { createHash } from "node:crypto";
import { apiKeyPrefix, newApiKeySecret, newId } from "../shared/domain/ids";

/**
 * An ops admin key (tenantId null, scope admin) and the one SQL statement that stores its
 * hash. Keys are never stored in plain text: only the SHA-256 and a short prefix. The id and
 * the secret are made exactly as the API makes them.
 */
export function newAdminKey(name = "ops admin") {
  const key = newApiKeySecret();
  const id = newId("apiKey");
  const hash = createHash("sha256").update(key).digest("hex");
  const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
  const sql =
    "INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, scopes, created_at) VALUES " +
    `(${quote(id)}, NULL, ${quote(name)}, ${quote(apiKeyPrefix(key))}, ${quote(hash)}, '["admin"]', ${quote(new Date().toISOString())});`;
  return { id, key, sql };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { key, sql } = newAdminKey(process.argv[2]);
  console.log("Store this key now; it is not shown again:\n");
  console.log(`  ${key}\n`);
  console.log("Then record its hash in the database:\n");
  console.log(`  npx wrangler d1 execute relay --remote -c wrangler.ingest.toml --command "${sql.replaceAll('"', '\\"')}"`);
}
