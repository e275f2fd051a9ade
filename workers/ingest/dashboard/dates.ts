const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A date field's day as the ISO time it starts; anything else is passed on for validation to name. */
export function startOfDay(day: string | undefined): string | undefined {
  return day && DAY.test(day) ? `${day}T00:00:00Z` : day;
}

/** "Up to" a day includes it: the filter ends where the next day starts. */
export function endOfDay(day: string | undefined): string | undefined {
  if (!day || !DAY.test(day)) return day;
  const start = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(start) ? day : new Date(start + DAY_MS).toISOString();
}
