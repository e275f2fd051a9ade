import type { Database } from "../../../shared/db/database";
import type { MessageContent } from "../../../shared/domain/message-content";
import { type MessageRequest, SMS_MAX_LENGTH } from "../../../shared/domain/message-request";
import { pickLocale } from "../../../shared/domain/template-parts";
import { type ErrorDetail, InvalidInputError } from "../../../shared/http/errors";
import { type RenderedTemplate, renderTemplate } from "./template-render";
import { type BatchTemplates, templatesForBatch, versionKey } from "./templates";

/** Which template version a message's content was rendered from. */
export type RenderedFrom = { templateId: string; templateVersion: number; locale: string };

/** Omit that keeps a union's members apart, so a channel still narrows to its own fields. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A request as it is stored: its content final, rendered from a template or given. */
export type AcceptableMessage = OmitEach<MessageRequest, "content" | "template"> & { content: MessageContent; rendered?: RenderedFrom };

type Located = { request: MessageRequest; at: string };

/**
 * Renders the requests that name a template, at acceptance, so the stored message holds exactly
 * what will be sent and a later template change alters nothing already accepted. Every bad item
 * is reported at once, each detail naming its place (`template.data.name`, `messages.2.template.id`).
 */
export async function renderRequests(db: Database, tenantId: string, requests: MessageRequest[], prefix: (index: number) => string) {
  const located = requests.map((request, index) => ({ request, at: prefix(index) }));
  const wanted = requests.flatMap((request) => (request.template ? [request.template] : []));
  const none: BatchTemplates = { templates: new Map(), versions: new Map() };
  const found = wanted.length ? await templatesForBatch(db, tenantId, wanted) : none;
  const details: ErrorDetail[] = [];
  const accepted: AcceptableMessage[] = [];
  for (const item of located) {
    try {
      accepted.push(await acceptable(item, found));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      details.push(...(error.details ?? []));
    }
  }
  if (details.length === 1) throw new InvalidInputError(`The template could not be rendered: ${details[0].message}`, details);
  if (details.length > 1) throw new InvalidInputError("Templates could not be rendered: see details", details);
  return accepted;
}

async function acceptable({ request, at }: Located, found: BatchTemplates): Promise<AcceptableMessage> {
  const { template: reference, content, ...rest } = request;
  if (!reference) return { ...rest, content: content ?? {} };
  const base = at ? `${at}.template` : "template";
  const template = found.templates.get(reference.id);
  if (!template) throw refused(`${base}.id`, "no template of this tenant has this id");
  if (template.channel !== request.channel)
    throw refused(`${base}.id`, `the template is for the ${template.channel} channel, the message for ${request.channel}`);
  const wantedVersion = reference.version ?? template.currentVersion;
  const version = found.versions.get(versionKey(template.id, wantedVersion));
  if (!version) throw refused(`${base}.version`, `the template has no version ${wantedVersion}`);
  const locale = pickLocale(Object.keys(version.locales), reference.locale, version.defaultLocale);
  const parts = locale === version.defaultLocale ? version.content : version.locales[locale];
  const rendered = await renderTemplate(template.channel, parts, reference.data ?? {}, { part: base, data: `${base}.data` });
  assertSendable(request.channel, rendered, base);
  const renderedFrom = { templateId: template.id, templateVersion: version.version, locale };
  return {
    ...rest,
    ...(rendered.subject !== null ? { subject: rendered.subject } : {}),
    content: contentOf(rendered),
    rendered: renderedFrom,
  };
}

function assertSendable(channel: MessageRequest["channel"], rendered: RenderedTemplate, at: string): void {
  const length = rendered.text?.length ?? 0;
  if (channel === "sms" && length > SMS_MAX_LENGTH)
    throw refused(at, `the rendered SMS is ${length} characters; an SMS is at most ${SMS_MAX_LENGTH}`);
  if (channel === "email" && rendered.subject !== null && rendered.subject.length > 998)
    throw refused(`${at}.data`, `the rendered subject is ${rendered.subject.length} characters; at most 998`);
  // An email's HTML may render no text of its own (an image alone); every other part must say something.
  const parts = rendered.html === null ? (["subject", "title", "text"] as const) : (["subject", "title"] as const);
  const empty = parts.find((part) => rendered[part] !== null && rendered[part].trim() === "");
  if (empty) throw refused(`${at}.data`, `the rendered ${empty} is empty`);
}

function contentOf(rendered: RenderedTemplate): MessageContent {
  const content: MessageContent = {};
  if (rendered.html !== null) content.html = rendered.html;
  if (rendered.text !== null) content.text = rendered.text;
  if (rendered.title !== null) content.title = rendered.title;
  return content;
}

function refused(path: string, message: string): InvalidInputError {
  return new InvalidInputError(message, [{ path, message }]);
}
