import { z } from "zod";
import { BASE_URL_HINT, baseUrlField, emailFromField, secretField } from "../config-fields";
import type { ConfigSpec } from "../provider";

export const sesConfigSchema = z.strictObject({
  accessKeyId: z.string().min(16).max(128),
  secretAccessKey: secretField,
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-east-1"),
  from: emailFromField,
  configurationSet: z.string().min(1).max(64).optional(),
  /** The SNS topic SES publishes to: any AWS account can sign SNS messages, so pin ours. */
  snsTopicArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
      "an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:ses-events",
    )
    .optional(),
  endpoint: baseUrlField.optional(),
});
export type SesConfig = z.infer<typeof sesConfigSchema>;

export const sesConfig: ConfigSpec<SesConfig> = {
  schema: sesConfigSchema,
  maskField: "secretAccessKey",
  outbound: [{ field: "endpoint", kind: "url" }],
  form: [
    { name: "accessKeyId", label: "Access key id", kind: "text", required: true },
    { name: "secretAccessKey", label: "Secret access key", kind: "secret", required: true },
    { name: "region", label: "Region", kind: "text", required: true, hint: "e.g. us-east-1" },
    { name: "from", label: "From address", kind: "text", required: true },
    { name: "configurationSet", label: "Configuration set", kind: "text" },
    { name: "endpoint", label: "Endpoint", kind: "url", hint: BASE_URL_HINT },
  ],
};
