import type { DeadLetterMatch } from "../../../shared/db/schema";
import { endOfDay, startOfDay } from "./dates";
import { type Form, field, present } from "./form";

/** The dead-letter filters a page, a form or a link carries, by name; empty ones left out. */
export const FILTER_NAMES = ["tenantId", "providerId", "q", "state", "since", "until"] as const;

export function filtersFrom(source: Record<string, string | undefined>): Record<string, string> {
  return present(Object.fromEntries(FILTER_NAMES.map((name) => [name, source[name]])));
}

export function filtersFromForm(form: Form): Record<string, string> {
  return filtersFrom(Object.fromEntries(FILTER_NAMES.map((name) => [name, field(form, name)])));
}

/** The list query for the API's schema: date fields become day boundaries ("until" includes its day). */
export function listQueryOf(filters: Record<string, string>) {
  return { ...filters, since: startOfDay(filters.since), until: endOfDay(filters.until) };
}

/** What a filter-wide operation matches, once the list query validated the filters. */
export function matchOf(
  query: { providerId?: string; q?: string; since?: string; until?: string },
  tenantId: string | null,
): DeadLetterMatch {
  return { tenantId, ...present({ providerId: query.providerId, q: query.q, since: query.since, until: query.until }) };
}

export function withFilters(path: string, filters: Record<string, string>): string {
  const search = new URLSearchParams(filters).toString();
  return search ? `${path}?${search}` : path;
}
