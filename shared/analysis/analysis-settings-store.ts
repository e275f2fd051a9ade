import { and, eq } from "drizzle-orm";
import { type Keyring, open, seal } from "../crypto/credential-cipher";
import type { Database } from "../db/database";
import { type AnalysisSettingsRow, analysisSettings, analysisUsage } from "../db/schema";
import {
  type AnalysisSettings,
  type AnalysisSettingsRequest,
  type AnalysisSettingsView,
  DEFAULT_ANALYSIS_SETTINGS,
} from "./analysis-settings";

/** The key is sealed with the tenant as associated data, so a sealed key copied to another tenant's row does not open. */
const sealingId = (tenantId: string) => `analysis:${tenantId}`;

export function usageMonth(at = new Date()): string {
  return at.toISOString().slice(0, 7);
}

function settingsOf(row: AnalysisSettingsRow, apiKey: string | null): AnalysisSettings {
  return {
    enabled: row.enabled,
    analyzer: row.analyzer,
    model: row.model,
    baseUrl: row.baseUrl,
    apiKey,
    categories: row.categories,
    rules: row.rules,
    autoReplyCategories: row.autoReplyCategories,
    redact: row.redact,
    monthlyTokenBudget: row.monthlyTokenBudget,
    maxContextMessages: row.maxContextMessages,
    maxContextCharacters: row.maxContextCharacters,
  };
}

async function rowOf(db: Database, tenantId: string) {
  return db.query.analysisSettings.findFirst({ where: eq(analysisSettings.tenantId, tenantId) });
}

/** The tenant's settings with the key opened, for the analyzers; the defaults (off) without a row. */
export async function analysisSettingsOf(db: Database, keyring: Keyring, tenantId: string): Promise<AnalysisSettings> {
  const row = await rowOf(db, tenantId);
  if (!row) return DEFAULT_ANALYSIS_SETTINGS;
  const apiKey =
    row.encryptedApiKey && row.keyVersion
      ? String(await open(keyring, sealingId(tenantId), { ciphertext: row.encryptedApiKey, keyVersion: row.keyVersion }))
      : null;
  return settingsOf(row, apiKey);
}

export async function monthUsage(db: Database, tenantId: string, month = usageMonth()) {
  const row = await db.query.analysisUsage.findFirst({ where: and(eq(analysisUsage.tenantId, tenantId), eq(analysisUsage.month, month)) });
  return { month, tokens: row?.tokens ?? 0, analyses: row?.analyses ?? 0, fallbacks: row?.fallbacks ?? 0 };
}

/** The settings as the API shows them: the key only as its mask, with this month's usage. */
export async function analysisSettingsView(db: Database, tenantId: string): Promise<AnalysisSettingsView> {
  const [row, usage] = await Promise.all([rowOf(db, tenantId), monthUsage(db, tenantId)]);
  const { apiKey: _apiKey, ...settings } = row ? settingsOf(row, null) : DEFAULT_ANALYSIS_SETTINGS;
  return { ...settings, apiKeyMask: row?.apiKeyMask ?? null, usage, updatedAt: row?.updatedAt ?? null };
}

/** Replaces the settings; an omitted `apiKey` keeps the stored one, null removes it. */
export async function saveAnalysisSettings(db: Database, keyring: Keyring, tenantId: string, request: AnalysisSettingsRequest) {
  const existing = await rowOf(db, tenantId);
  const sealed = request.apiKey ? await seal(keyring, sealingId(tenantId), request.apiKey) : null;
  const key =
    request.apiKey === undefined
      ? {
          encryptedApiKey: existing?.encryptedApiKey ?? null,
          keyVersion: existing?.keyVersion ?? null,
          apiKeyMask: existing?.apiKeyMask ?? null,
        }
      : {
          encryptedApiKey: sealed?.ciphertext ?? null,
          keyVersion: sealed?.keyVersion ?? null,
          apiKeyMask: request.apiKey ? `…${request.apiKey.slice(-4)}` : null,
        };
  const row = {
    tenantId,
    enabled: request.enabled,
    analyzer: request.analyzer,
    model: request.model,
    baseUrl: request.baseUrl,
    ...key,
    categories: request.categories,
    rules: request.rules,
    autoReplyCategories: request.autoReplyCategories,
    redact: request.redact,
    monthlyTokenBudget: request.monthlyTokenBudget,
    maxContextMessages: request.maxContextMessages,
    maxContextCharacters: request.maxContextCharacters,
    updatedAt: new Date().toISOString(),
  };
  await db.insert(analysisSettings).values(row).onConflictDoUpdate({ target: analysisSettings.tenantId, set: row });
  return analysisSettingsView(db, tenantId);
}
