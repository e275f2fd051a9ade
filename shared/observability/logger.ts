type Level = "info" | "warn" | "error";
type Fields = Record<string, unknown>;

/**
 * The one structured logger: a JSON line per event (`level`, `event`, then its fields), which
 * Workers Logs indexes. Events are named `<worker>.<what happened>`; secrets never go in fields.
 */
function write(level: Level, event: string, fields: Fields): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  info: (event: string, fields: Fields = {}) => write("info", event, fields),
  warn: (event: string, fields: Fields = {}) => write("warn", event, fields),
  error: (event: string, fields: Fields = {}) => write("error", event, fields),
};
