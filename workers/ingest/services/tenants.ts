import { and, asc, eq, isNull } from "drizzle-orm";
import { sha256Hex } from "../../../shared/crypto/sha256";
import type { Database } from "../../../shared/db/database";
import { type ApiKeyRow, apiKeys, tenants } from "../../../shared/db/schema";
import { apiKeyPrefix, newApiKeySecret, newId } from "../../../shared/domain/ids";
import type { Quotas } from "../../../shared/domain/quotas";
import type { ApiKeyScope } from "../../../shared/domain/scopes";
import { ConflictError, ForbiddenError, NotFoundError } from "../../../shared/http/errors";
import { assertVisible, isOps, type Principal } from "../principal";
import { forgetKey } from "./api-key-lookup";
import type { OffsetPage } from "./cursor";
import { forgetQuotas, seedCounters } from "./quota-counter";

export async function createTenant(db: Database, name: string) {
  const [row] = await db
    .insert(tenants)
    .values({ id: newId("tenant"), name, createdAt: new Date().toISOString() })
    .returning();
  return row;
}

/** Oldest first; with a page, one row past it (see offsetPageOf). */
export function listTenants(db: Database, page?: OffsetPage) {
  const query = db.select().from(tenants).orderBy(asc(tenants.createdAt), asc(tenants.id));
  return page ? query.limit(page.limit + 1).offset(page.offset) : query;
}

export async function findTenant(db: Database, principal: Principal, id: string) {
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, id) });
  if (!row) throw new NotFoundError("Tenant");
  assertVisible(principal, row.id, "Tenant");
  return row;
}

export type TenantUpdate = { name?: string; quotas?: Quotas; retentionDays?: number };

/** A tenant's admin may rename it; only ops set quotas (a tenant cannot lift its own). */
export async function updateTenant(db: Database, principal: Principal, id: string, update: TenantUpdate) {
  const tenant = await findTenant(db, principal, id);
  if ((update.quotas !== undefined || update.retentionDays !== undefined) && !isOps(principal))
    throw new ForbiddenError("Only an ops key sets a tenant's quotas and retention");
  const now = new Date();
  const [row] = await db
    .update(tenants)
    .set({ name: update.name, quotas: update.quotas, retentionDays: update.retentionDays })
    .where(eq(tenants.id, tenant.id))
    .returning();
  if (update.quotas !== undefined) {
    await seedCounters(db, tenant.id, update.quotas, now);
    forgetQuotas(tenant.id);
  }
  return row;
}

export function apiKeyView(row: ApiKeyRow) {
  const { keyHash: _hash, ...view } = row;
  return view;
}

/** The secret is returned here once; only its SHA-256 and a short prefix are stored. */
export async function issueApiKey(db: Database, tenantId: string | null, name: string, scopes: ApiKeyScope[]) {
  const key = newApiKeySecret();
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("apiKey"),
      tenantId,
      name,
      prefix: apiKeyPrefix(key),
      keyHash: await sha256Hex(key),
      scopes: [...new Set(scopes)],
      createdAt: new Date().toISOString(),
    })
    .returning();
  return { ...apiKeyView(row), key };
}

export async function listApiKeys(db: Database, tenantId: string, page?: OffsetPage) {
  const query = db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
  const rows = page ? await query.limit(page.limit + 1).offset(page.offset) : await query;
  return rows.map(apiKeyView);
}

export async function revokeApiKey(db: Database, principal: Principal, id: string) {
  const row = await db.query.apiKeys.findFirst({ where: eq(apiKeys.id, id) });
  if (!row) throw new NotFoundError("API key");
  assertVisible(principal, row.tenantId, "API key");
  if (row.id === principal.keyId) throw new ConflictError("A key cannot revoke itself");
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  forgetKey(id);
  return apiKeyView(revoked ?? row);
}
