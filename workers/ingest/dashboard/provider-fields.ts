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
