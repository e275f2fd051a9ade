/** A provider's answer as JSON, or undefined when it is empty or not JSON (an HTML error page, a proxy's text). */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export function stringAt(value: unknown, key: string): string | undefined {
  const field = fieldOf(value, key);
  return typeof field === "string" && field.length > 0 ? field : undefined;
}

export function numberAt(value: unknown, key: string): number | undefined {
  const field = fieldOf(value, key);
  return typeof field === "number" && Number.isFinite(field) ? field : undefined;
}

export function booleanAt(value: unknown, key: string): boolean | undefined {
  const field = fieldOf(value, key);
  return typeof field === "boolean" ? field : undefined;
}
