import { z } from "zod";
import { BASE_URL_HINT, baseUrlField } from "../config-fields";
import type { ConfigSpec } from "../provider";

const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

/** The fields of a Google service account key file that Relay reads; the rest is kept as given. */
const serviceAccountSchema = z.looseObject({
  project_id: z.string().regex(/^[a-z][a-z0-9-]{2,62}$/, "a Firebase project id"),
  client_email: z.email().max(320),
  private_key: z.string().min(100).max(10_000).includes("-----BEGIN PRIVATE KEY-----", { message: "a PKCS#8 PEM private key" }),
  token_uri: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .default(GOOGLE_TOKEN_URI),
});

/** A key file pasted as text (the dashboard's form) is parsed; an object is taken as is. */
const serviceAccountField = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}, serviceAccountSchema);

export const fcmConfigSchema = z.strictObject({
  serviceAccount: serviceAccountField,
  baseUrl: baseUrlField.optional(),
});
export type FcmConfig = z.infer<typeof fcmConfigSchema>;
export type ServiceAccount = FcmConfig["serviceAccount"];

export const fcmConfig: ConfigSpec<FcmConfig> = {
  schema: fcmConfigSchema,
  // The key file is an object; its private key is never shown, not even in part.
  maskField: null,
  outbound: [{ field: "baseUrl", kind: "url" }],
  form: [
    {
      name: "serviceAccount",
      label: "Service account key (JSON)",
      kind: "secret",
      required: true,
      hint: "The whole key file from Firebase: project settings → service accounts.",
    },
    { name: "baseUrl", label: "Base URL", kind: "url", hint: BASE_URL_HINT },
  ],
};
