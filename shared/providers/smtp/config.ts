import { z } from "zod";
import { emailFromField, secretField } from "../config-fields";
import type { ConfigSpec } from "../provider";

export const smtpConfigSchema = z.strictObject({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  security: z.enum(["tls", "starttls", "none"]),
  username: z.string().min(1).max(320).optional(),
  password: secretField.optional(),
  from: emailFromField,
});
export type SmtpConfig = z.infer<typeof smtpConfigSchema>;

export const smtpConfig: ConfigSpec<SmtpConfig> = {
  schema: smtpConfigSchema,
  maskField: "password",
  outbound: [{ field: "host", kind: "host" }],
  form: [
    { name: "host", label: "Host", kind: "text", required: true },
    { name: "port", label: "Port", kind: "number", required: true },
    { name: "security", label: "Security", kind: "select", options: ["starttls", "tls", "none"], required: true },
    { name: "username", label: "Username", kind: "text" },
    { name: "password", label: "Password", kind: "secret" },
    { name: "from", label: "From address", kind: "text", required: true },
  ],
};
