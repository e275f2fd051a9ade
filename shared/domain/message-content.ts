import { z } from "zod";

export const MAX_TEXT_LENGTH = 100_000;

export const messageContentSchema = z
  .strictObject({
    text: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
    html: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
    templateId: z.string().min(1).max(200).optional(),
    variables: z.record(z.string().max(200), z.unknown()).optional(),
  })
  .meta({ id: "MessageContent", description: "The body of a message. Email needs `html` or `text`." });

export type MessageContent = z.infer<typeof messageContentSchema>;
