import { z } from "zod";

/** What SNS POSTs to an HTTPS subscription (as text/plain JSON). Signature fields are checked apart, so a missing one is a 401. */
export const snsEnvelopeSchema = z.looseObject({
  Type: z.enum(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(1000),
  Message: z.string(),
  Timestamp: z.string().min(1).max(100),
  Subject: z.string().nullish(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
  SignatureVersion: z.string().optional(),
  Signature: z.string().optional(),
  SigningCertURL: z.string().optional(),
});
export type SnsEnvelope = z.infer<typeof snsEnvelopeSchema>;

type SignedField = "Message" | "MessageId" | "Subject" | "SubscribeURL" | "Timestamp" | "Token" | "TopicArn" | "Type";

const SIGNED_FIELDS: Record<SnsEnvelope["Type"], SignedField[]> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

/** SNS's string to sign: `name\nvalue\n` for each signed field present, in this (alphabetical) order. */
export function snsStringToSign(envelope: SnsEnvelope): string {
  return SIGNED_FIELDS[envelope.Type]
    .flatMap((name) => {
      const value = envelope[name];
      return typeof value === "string" ? [`${name}\n${value}\n`] : [];
    })
    .join("");
}
