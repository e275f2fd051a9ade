import type { ApiKeyScope } from "../../shared/domain/scopes";
import { hasScope } from "../../shared/domain/scopes";
import { ForbiddenError, NotFoundError } from "../../shared/http/errors";

/** Who is calling: a tenant's key, or an ops key (tenantId null) that sees every tenant. */
export type Principal = { keyId: string; tenantId: string | null; scopes: readonly ApiKeyScope[] };

export function requireScope(principal: Principal, scope: ApiKeyScope): void {
  if (!hasScope(principal.scopes, scope)) throw new ForbiddenError(`This endpoint needs an API key with the '${scope}' scope`);
}

export function requireOps(principal: Principal): void {
  if (principal.tenantId !== null || !hasScope(principal.scopes, "admin")) throw new ForbiddenError("This endpoint needs an ops admin key");
}

export function isOps(principal: Principal): boolean {
  return principal.tenantId === null;
}

/** The tenant a request acts on: a tenant key's own; an ops key's choice (or all). */
export function tenantScope(principal: Principal, requested?: string | null): string | null {
  if (principal.tenantId === null) return requested ?? null;
  if (requested && requested !== principal.tenantId) throw new ForbiddenError("A tenant's key only sees its own tenant");
  return principal.tenantId;
}

/** A row of another tenant is reported exactly as a missing one. */
export function assertVisible(principal: Principal, rowTenantId: string | null, what: string): void {
  if (principal.tenantId !== null && rowTenantId !== principal.tenantId) throw new NotFoundError(what);
}

/** Sending needs a tenant: the message belongs to one. */
export function sendingTenant(principal: Principal): string {
  requireScope(principal, "send");
  if (principal.tenantId === null) throw new ForbiddenError("Ops keys do not send messages; use a tenant's key");
  return principal.tenantId;
}
