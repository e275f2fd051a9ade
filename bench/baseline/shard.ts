/** The baseline's D1 bindings: `DB_0` … `DB_{SHARDS-1}`, one local database each. */
export type ShardedEnv = { SHARDS: string } & Record<`DB_${number}`, D1Database>;

/** A tenant's database: FNV-1a of its id, so a tenant always lands on the same one. */
export function shardOf(tenant: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < tenant.length; i++) hash = Math.imul(hash ^ tenant.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

export function databaseOf(env: ShardedEnv, shard: number): D1Database {
  return env[`DB_${shard}`];
}
