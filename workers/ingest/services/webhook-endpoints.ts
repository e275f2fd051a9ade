import { and, asc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { type Keyring, keyringFromEnv } from "../../../shared/crypto/credential-cipher";
import type { Database } from "../../../shared/db/database";
import { tenants, type WebhookEndpointRow, webhookEndpoints } from "../../../shared/db/schema";
import { newId } from "../../../shared/domain/ids";
import type { createWebhookEndpointSchema, updateWebhookEndpointSchema } from "../../../shared/domain/webhook-endpoint";
import { newSigningSecret, openSecrets, rotated, sealSecrets } from "../../../shared/events/endpoint-secrets";
import { startCursor } from "../../../shared/events/message-events-cursor";
import { ConflictError, InvalidInputError, NotFoundError } from "../../../shared/http/errors";
import { type OutboundPolicy, outboundPolicyFromEnv, refusedUrl } from "../../../shared/providers/outbound-policy";
import type { IngestEnv } from "../env";
import { assertVisible, isOps, type Principal } from "../principal";
import type { OffsetPage } from "./cursor";

export type CreateWebhookEndpoint = z.infer<typeof createWebhookEndpointSchema>;
export type UpdateWebhookEndpoint = z.infer<typeof updateWebhookEndpointSchema>;

/** What saving an endpoint needs beyond the database: the sealing keys and where Relay may post. */
export type EndpointRules = { keyring: Keyring; outbound: OutboundPolicy };

export function endpointRulesFrom(env: IngestEnv): EndpointRules {
  return { keyring: keyringFromEnv(env), outbound: outboundPolicyFromEnv(env) };
}

/** At most this many endpoints per tenant: each event is posted to every one. */
export const MAX_ENDPOINTS_PER_TENANT = 20;

export function endpointView(row: WebhookEndpointRow) {
  const { encryptedSecrets: _sealed, keyVersion: _version, failingSince: _since, ...view } = row;
  return view;
}

function checkedUrl(url: string, outbound: OutboundPolicy): string {
  const refused = refusedUrl(url, outbound);
  if (refused) throw new InvalidInputError(`The endpoint URL ${refused}`, [{ path: "url", message: refused }]);
  return url;
}

async function owningTenant(db: Database, principal: Principal, requested: string | undefined): Promise<string> {
  if (!isOps(principal)) {
    if (requested !== undefined && requested !== principal.tenantId)
      throw new InvalidInputError("A tenant's key adds endpoints for its own tenant only", [{ path: "tenantId", message: "not allowed" }]);
    return principal.tenantId as string;
  }
  if (!requested) throw new InvalidInputError("An ops key names the tenant", [{ path: "tenantId", message: "required for an ops key" }]);
  const tenant = await db.query.tenants.findFirst({ where: eq(tenants.id, requested) });
  if (!tenant) throw new InvalidInputError("No such tenant", [{ path: "tenantId", message: "unknown tenant" }]);
  return requested;
}

/**
 * Creates the endpoint with a fresh secret, returned this once. The same batch starts the
 * fan-out's cursor at the newest event if no endpoint ever started it, so the fan-out never
 * reads the history that came before the first endpoint.
 */
export async function createEndpoint(db: Database, rules: EndpointRules, principal: Principal, input: CreateWebhookEndpoint) {
  const url = checkedUrl(input.url, rules.outbound);
  const tenantId = await owningTenant(db, principal, input.tenantId);
  const [{ count }] = await db
    .select({ count: sql<number>`count(*)` })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, tenantId));
  if (count >= MAX_ENDPOINTS_PER_TENANT) throw new ConflictError(`A tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints`);
  const id = newId("webhookEndpoint");
  const secret = newSigningSecret();
  const now = new Date().toISOString();
  const [[row]] = await db.batch([
    db
      .insert(webhookEndpoints)
      .values({
        id,
        tenantId,
        url,
        description: input.description ?? null,
        eventTypes: input.eventTypes ?? [],
        enabled: input.enabled ?? true,
        ...(await sealSecrets(rules.keyring, id, { current: secret })),
        createdAt: now,
        updatedAt: now,
      })
      .returning(),
    startCursor(db, now),
  ]);
  return { ...endpointView(row), secret };
}

export async function findEndpoint(db: Database, principal: Principal, id: string): Promise<WebhookEndpointRow> {
  const row = await db.query.webhookEndpoints.findFirst({ where: eq(webhookEndpoints.id, id) });
  if (!row) throw new NotFoundError("Webhook endpoint");
  assertVisible(principal, row.tenantId, "Webhook endpoint");
  return row;
}

export async function listEndpoints(db: Database, tenantId: string | null, page: OffsetPage) {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(tenantId ? eq(webhookEndpoints.tenantId, tenantId) : undefined)
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
    .limit(page.limit + 1)
    .offset(page.offset);
  return rows.map(endpointView);
}

/** Enabling an endpoint clears its failure run and the reason it was disabled. */
export async function updateEndpoint(db: Database, rules: EndpointRules, principal: Principal, id: string, input: UpdateWebhookEndpoint) {
  const row = await findEndpoint(db, principal, id);
  const enabling = input.enabled === true && !row.enabled;
  const [updated] = await db
    .update(webhookEndpoints)
    .set({
      url: input.url === undefined ? undefined : checkedUrl(input.url, rules.outbound),
      eventTypes: input.eventTypes,
      description: input.description,
      enabled: input.enabled,
      ...(enabling ? { consecutiveFailures: 0, failingSince: null, disabledReason: null, disabledAt: null } : {}),
      ...(input.enabled === false && row.enabled ? { disabledReason: "disabled by a user", disabledAt: new Date().toISOString() } : {}),
      updatedAt: new Date().toISOString(),
    })
    .where(eq(webhookEndpoints.id, row.id))
    .returning();
  return endpointView(updated);
}

export async function deleteEndpoint(db: Database, principal: Principal, id: string) {
  const row = await findEndpoint(db, principal, id);
  await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
  return { id: row.id, deleted: true as const };
}

/**
 * A new current secret, returned this once; the previous one keeps signing for 24 hours
 * (every delivery carries both signatures meanwhile). A rotation within the overlap drops the
 * oldest secret.
 */
export async function rotateSecret(db: Database, rules: EndpointRules, principal: Principal, id: string) {
  const row = await findEndpoint(db, principal, id);
  const secret = newSigningSecret();
  const now = new Date();
  const secrets = rotated(await openSecrets(rules.keyring, row), secret, now);
  const [updated] = await db
    .update(webhookEndpoints)
    .set({ ...(await sealSecrets(rules.keyring, row.id, secrets)), updatedAt: now.toISOString() })
    .where(and(eq(webhookEndpoints.id, row.id), eq(webhookEndpoints.encryptedSecrets, row.encryptedSecrets)))
    .returning();
  if (!updated) throw new ConflictError("The secret was rotated at the same time; try again", { retryable: true });
  return { ...endpointView(updated), secret, previousSecretExpiresAt: secrets.previousExpiresAt ?? null };
}
