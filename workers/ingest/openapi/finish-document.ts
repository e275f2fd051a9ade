import { CHAT_TEXT_LIMITS, CHAT_THREADS, type ChatChannel } from "../../../shared/domain/chat-message";
import { SMS_MAX_LENGTH } from "../../../shared/domain/message-request";
import { errorResponseObject } from "../schemas/route-parts";
import { OPERATION_IDS, SERVERS, TAGS } from "./operation-ids";

type Json = Record<string, unknown>;
export type OpenApiDocument = Json & {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Json>>;
  components?: Json & { schemas?: Record<string, Json> };
};

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const RETRY_AFTER = { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * What the zod-generated document lacks for a client generator: servers, tags, operationIds,
 * `security: []` where no key is needed, the 429 (with Retry-After) of every keyed route, the 415 of
 * every JSON body, and the message request as
 * a union discriminated by `channel` whose per-channel content rules match the server's (content, or a
 * template instead).
 */
export function finishDocument(generated: object): OpenApiDocument {
  const document = structuredClone(generated) as OpenApiDocument;
  document.servers = SERVERS;
  document.tags = TAGS;
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const operationId = OPERATION_IDS[`${method} ${path}`];
      if (!operationId) throw new Error(`no operationId for ${method.toUpperCase()} ${path}: add it to OPERATION_IDS`);
      operation.operationId = operationId;
      if (!operation.security) operation.security = [];
      const responses = operation.responses as Record<string, unknown>;
      // Every keyed route is rate-limited per API key (the authenticate middleware).
      if (path.startsWith("/v1/")) responses["429"] ??= { ...errorResponseObject(429), headers: RETRY_AFTER };
      if (operation.requestBody) {
        responses["413"] ??= errorResponseObject(413);
        responses["415"] ??= errorResponseObject(415);
      }
      operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  discriminateMessageRequest(document.components?.schemas ?? {});
  return document;
}

/** The content rules the server enforces per channel (messageRequestSchema's refinements), as schema. */
const CONTENT_RULES: Record<string, Json> = {
  sms: { type: "object", required: ["text"], properties: { text: { type: "string", minLength: 1, maxLength: SMS_MAX_LENGTH } } },
  push: { type: "object", required: ["text"], properties: { text: { type: "string", minLength: 1 } } },
  telegram: chatContentRule("telegram"),
  slack: chatContentRule("slack"),
  email: {
    anyOf: [
      { type: "object", required: ["html"], properties: { html: { type: "string", minLength: 1 } } },
      { type: "object", required: ["text"], properties: { text: { type: "string", minLength: 1 } } },
    ],
  },
};

function chatContentRule(channel: ChatChannel): Json {
  const text = { type: "string", minLength: 1, maxLength: CHAT_TEXT_LIMITS[channel] };
  return {
    type: "object",
    required: ["text"],
    properties: { text, thread: { type: "string", pattern: CHAT_THREADS[channel].pattern.source } },
  };
}

/**
 * Content (an email's with its subject) or a template that gives them. `oneOf` also refuses both:
 * a body with both matches both forms.
 */
function requestForms(channel: string): Json[] {
  const content = CONTENT_RULES[channel] ?? { type: "object" };
  const byContent: Json = {
    type: "object",
    required: channel === "email" ? ["subject", "content"] : ["content"],
    properties: channel === "email" ? { subject: { type: "string", minLength: 1 }, content } : { content },
  };
  const byTemplate: Json = { type: "object", required: ["template"], properties: { template: ref("TemplateReference") } };
  return [byContent, byTemplate];
}

function discriminateMessageRequest(schemas: Record<string, Json>): void {
  const union = schemas.SendMessageRequest;
  const variants = union?.oneOf;
  if (!Array.isArray(variants)) return;
  const mapping: Record<string, string> = {};
  union.oneOf = variants.map((variant: Json) => {
    const properties = variant.properties as Record<string, Json>;
    const channel = (properties.channel.enum as string[])[0];
    const name = `${channel[0].toUpperCase()}${channel.slice(1)}MessageRequest`;
    variant.oneOf = requestForms(channel);
    schemas[name] = variant;
    mapping[channel] = ref(name).$ref;
    return ref(name);
  });
  union.discriminator = { propertyName: "channel", mapping };
}
