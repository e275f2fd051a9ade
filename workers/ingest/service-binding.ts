import { eq } from "drizzle-orm";
import type { z } from "zod";
import { database } from "../../shared/db/database";
import { tenants } from "../../shared/db/schema";
import { newId } from "../../shared/domain/ids";
import { messageRequestSchema, type TemplateReference } from "../../shared/domain/message-request";
import type { MessageView } from "../../shared/domain/message-view";
import { errorBody, toRelayError, zodDetails } from "../../shared/http/envelope";
import { InvalidInputError, NotFoundError } from "../../shared/http/errors";
import type { IngestEnv } from "./env";
import { acceptMessages } from "./services/accept-messages";
import { singleAnswer } from "./services/push-recipients";
import { requestFingerprint } from "./services/request-fingerprint";
import { renderRequests } from "./services/templated-messages";

type MessageInput = z.input<typeof messageRequestSchema>;
/** The schema's refinements as types: content (and an email's subject), or a template instead. */
type WithContent<M> = M extends { channel: "email" }
  ? M & { subject: string; content: NonNullable<M extends { content?: infer C } ? C : never>; template?: undefined }
  : M & { content: NonNullable<M extends { content?: infer C } ? C : never>; template?: undefined };
type WithTemplate<M> = M extends { channel: "email" }
  ? M & { template: TemplateReference; content?: undefined; subject?: undefined }
  : M & { template: TemplateReference; content?: undefined };
export type RelayMessage = WithContent<MessageInput> | WithTemplate<MessageInput>;

export type RelaySendInput = {
  tenantId: string;
  /** The same body as `POST /v1/messages` (still validated here: a caller's types may be stale). */
  message: RelayMessage;
  idempotencyKey?: string;
  requestId?: string;
};

export type RelaySendResult =
  | { success: true; data: MessageView; replayed: boolean }
  | ({ success: false } & Omit<ReturnType<typeof errorBody>, "success">);

export async function sendViaBinding(env: IngestEnv, input: RelaySendInput): Promise<RelaySendResult> {
  const requestId = input.requestId ?? newId("request");
  try {
    const db = database(env.DB);
    const parsed = messageRequestSchema.safeParse(input.message);
    if (!parsed.success) throw new InvalidInputError("The message failed validation", zodDetails(parsed.error, ["message"]));
    const tenant = await db.query.tenants.findFirst({ where: eq(tenants.id, input.tenantId) });
    if (!tenant) throw new NotFoundError("Tenant");
    const claim = input.idempotencyKey
      ? { tenantId: tenant.id, key: input.idempotencyKey, requestHash: await requestFingerprint("POST /v1/messages", parsed.data) }
      : undefined;
    const accepted = await acceptMessages(
      { db, queue: env.DELIVERY_QUEUE, attachments: env.ATTACHMENTS, tenantId: tenant.id, requestId },
      await renderRequests(db, tenant.id, [parsed.data], () => "message"),
      singleAnswer(parsed.data),
      claim,
    );
    return { success: true, data: accepted.answer.body as MessageView, replayed: accepted.replayed };
  } catch (error) {
    return errorBody(toRelayError(error), requestId);
  }
}
