import type { ProviderType } from "../../../shared/domain/enums";
import { PROVIDERS } from "../../../shared/providers/registry";
import type { Form } from "./form";
import { field } from "./form";

/**
 * The config a form describes: empty inputs are left out, numbers become numbers (or stay text
 * for the schema to reject), secrets are taken exactly as typed.
 */
export function configFromForm(type: ProviderType, form: Form): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const spec of PROVIDERS[type].config.form) {
    const raw = field(form, `config.${spec.name}`);
    const value = spec.kind === "secret" ? raw : raw?.trim();
    if (!value) continue;
    config[spec.name] = spec.kind === "number" && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return config;
}

/**
 * The change a saved provider's settings form asks for, merged by PATCH onto the stored config:
 * a blank secret keeps the stored one (secrets are write-only, never shown to fill in); a
 * blanked other field is removed (null), so an optional setting can be cleared.
 */
export function configPatchFromForm(type: ProviderType, form: Form): Record<string, unknown> {
  const patch = configFromForm(type, form);
  for (const spec of PROVIDERS[type].config.form)
    if (spec.kind !== "secret" && patch[spec.name] === undefined && field(form, `config.${spec.name}`) !== undefined)
      patch[spec.name] = null;
  return patch;
}

/** The stored config's fields a form may show again: everything but the secrets. */
export function shownConfigValues(type: ProviderType, config: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const spec of PROVIDERS[type].config.form)
    if (spec.kind !== "secret" && config[spec.name] !== undefined && config[spec.name] !== null)
      values[spec.name] = String(config[spec.name]);
  return values;
}
