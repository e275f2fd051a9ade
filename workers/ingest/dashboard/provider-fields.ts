import type { ProviderType } from "../../../shared/domain/enums";
import type { ProviderConfigOf } from "../../../shared/domain/provider-config";
import type { Form } from "./form";
import { field } from "./form";

/** One input of a provider type's config form; `name` is a key of that type's config schema. */
export type ConfigField<T extends ProviderType = ProviderType> = {
  name: keyof ProviderConfigOf<T> & string;
  label: string;
  /** `secret`: write-only, a password input never filled in again. */
  kind: "text" | "secret" | "number" | "url" | "select";
  required?: boolean;
  options?: string[];
  hint?: string;
};

const baseUrlHint = "Only to point the adapter at another server, e.g. a test double.";

export const CONFIG_FIELDS: { [T in ProviderType]: ConfigField<T>[] } = {
  twilio: [
    { name: "accountSid", label: "Account SID", kind: "text", required: true, hint: "AC followed by 32 hex digits" },
    { name: "authToken", label: "Auth token", kind: "secret", required: true },
    { name: "from", label: "From number", kind: "text", hint: "Set this or the Messaging Service SID" },
    { name: "messagingServiceSid", label: "Messaging Service SID", kind: "text" },
    { name: "baseUrl", label: "Base URL", kind: "url", hint: baseUrlHint },
  ],
  resend: [
    { name: "apiKey", label: "API key", kind: "secret", required: true },
    { name: "from", label: "From address", kind: "text", required: true },
    { name: "webhookSecret", label: "Webhook signing secret", kind: "secret", hint: "whsec_…" },
    { name: "baseUrl", label: "Base URL", kind: "url", hint: baseUrlHint },
  ],
  "aws-ses": [
    { name: "accessKeyId", label: "Access key id", kind: "text", required: true },
    { name: "secretAccessKey", label: "Secret access key", kind: "secret", required: true },
    { name: "region", label: "Region", kind: "text", required: true, hint: "e.g. us-east-1" },
    { name: "from", label: "From address", kind: "text", required: true },
    { name: "configurationSet", label: "Configuration set", kind: "text" },
    { name: "endpoint", label: "Endpoint", kind: "url", hint: baseUrlHint },
  ],
  smtp: [
    { name: "host", label: "Host", kind: "text", required: true },
    { name: "port", label: "Port", kind: "number", required: true },
    { name: "security", label: "Security", kind: "select", options: ["starttls", "tls", "none"], required: true },
    { name: "username", label: "Username", kind: "text" },
    { name: "password", label: "Password", kind: "secret" },
    { name: "from", label: "From address", kind: "text", required: true },
  ],
  webhook: [
    { name: "url", label: "URL", kind: "url", required: true },
    { name: "secret", label: "Signing secret", kind: "secret", hint: "At least 24 characters; whsec_… for Standard Webhooks" },
  ],
  system: [
    {
      name: "fail",
      label: "Fail on purpose",
      kind: "select",
      options: ["", "transient", "permanent"],
      hint: "For demonstrations of failover",
    },
  ],
};

export function configFieldsOf(type: ProviderType): ConfigField[] {
  return CONFIG_FIELDS[type] as ConfigField[];
}

/**
 * The config a form describes: empty inputs are left out, numbers become numbers (or stay text
 * for the schema to reject), secrets are taken exactly as typed.
 */
export function configFromForm(type: ProviderType, form: Form): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const spec of configFieldsOf(type)) {
    const raw = field(form, `config.${spec.name}`);
    const value = spec.kind === "secret" ? raw : raw?.trim();
    if (!value) continue;
    config[spec.name] = spec.kind === "number" && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return config;
}
