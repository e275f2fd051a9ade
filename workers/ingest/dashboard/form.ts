import type { Context } from "hono";
import { InvalidInputError } from "../../../shared/http/errors";

export type Form = Record<string, string | File | (string | File)[]>;

/** Always parsed the same way (repeated names kept), so the CSRF check and the handler agree. */
export function formOf(c: Context): Promise<Form> {
  return c.req.parseBody({ all: true });
}

/** A field sent once as text; a repeated or file field is not a value here. */
export function field(form: Form, name: string): string | undefined {
  const value = form[name];
  return typeof value === "string" ? value : undefined;
}

/** Every text value of a repeated field, e.g. ticked checkboxes of one name. */
export function fields(form: Form, name: string): string[] {
  const value = form[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((item): item is string => typeof item === "string");
}

/** Query and form values with the empty ones left out: an empty filter means "any". */
export function present(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => Boolean(entry[1]?.trim())));
}

/** Destructive forms carry a ticked "I understand" box; without it nothing is changed. */
export function requireConfirmation(form: Form): void {
  if (field(form, "confirm") !== "yes")
    throw new InvalidInputError("Tick the confirmation box to go ahead; nothing was changed.", [{ path: "confirm", message: "required" }]);
}
