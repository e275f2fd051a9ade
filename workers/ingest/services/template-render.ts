import { convert } from "html-to-text";
import { Liquid } from "liquidjs/dist/liquid.browser.mjs";
import type { Channel } from "../../../shared/domain/enums";
import { MAX_TEXT_LENGTH } from "../../../shared/domain/message-content";
import { TEMPLATE_PART_NAMES, type TemplatePartName, type TemplateParts } from "../../../shared/domain/template-parts";
import type { ErrorDetail } from "../../../shared/http/errors";
import { InvalidInputError } from "../../../shared/http/errors";

export type RenderedTemplate = { subject: string | null; html: string | null; text: string | null; title: string | null };

/** Bounds one part's rendering: a template is tenant input, and a loop can ask for anything. */
export const RENDER_LIMITS = {
  /** Milliseconds of rendering per part (liquidjs `renderLimit`). */
  renderMs: 200,
  /** Characters and array slots liquidjs may allocate per part (`memoryLimit`): stops huge ranges and repeats. */
  memory: 2_000_000,
  /** Characters of one rendered part. */
  outputLength: MAX_TEXT_LENGTH,
} as const;

// `templates: {}` replaces the file system: `include`/`render`/`layout` find nothing, so a
// template cannot reach anything but its own data. No `eval` or `new Function` is involved.
const shared = {
  strictVariables: true,
  strictFilters: true,
  lenientIf: true,
  ownPropertyOnly: true,
  templates: {},
  parseLimit: MAX_TEXT_LENGTH,
  renderLimit: RENDER_LIMITS.renderMs,
  memoryLimit: RENDER_LIMITS.memory,
} as const;
const escapingEngine = new Liquid({ ...shared, outputEscape: "escape" });
const plainEngine = new Liquid(shared);

const engineFor = (part: TemplatePartName) => (part === "html" ? escapingEngine : plainEngine);

const UNDEFINED_VARIABLE = /^undefined variable: ([^,]+)/;
/** liquidjs ends its messages with ", line:1, col:4". */
const POSITION = /, line:(\d+), col:(\d+)$/;

function describe(error: unknown, part: TemplatePartName, at: RenderPaths): ErrorDetail {
  const message = error instanceof Error ? error.message : String(error);
  const variable = UNDEFINED_VARIABLE.exec(message)?.[1];
  if (variable) return { path: `${at.data}.${variable}`, message: `the ${part} uses ${variable}, which the data does not give` };
  const position = POSITION.exec(message);
  const where = position ? ` (line ${position[1]}, column ${position[2]})` : "";
  return { path: `${at.part}.${part}`, message: `${message.replace(POSITION, "")}${where}` };
}

/** Liquid syntax errors of each part, for a template being saved. */
export function syntaxIssues(parts: TemplateParts, at: string): ErrorDetail[] {
  return TEMPLATE_PART_NAMES.flatMap((part) => {
    const source = parts[part];
    if (source === undefined) return [];
    try {
      engineFor(part).parse(source);
      return [];
    } catch (error) {
      return [describe(error, part, { part: at, data: "data" })];
    }
  });
}

export type RenderPaths = {
  /** Where the template's sources are named in errors (`template`, `content`). */
  part: string;
  /** Where the data is named in errors (`data`, `template.data`, `messages.2.template.data`). */
  data: string;
};

async function renderPart(part: TemplatePartName, source: string, data: Record<string, unknown>, at: RenderPaths): Promise<string> {
  let output: string;
  try {
    output = await engineFor(part).parseAndRender(source, data);
  } catch (error) {
    const detail = describe(error, part, at);
    throw new InvalidInputError(`The template could not be rendered: ${detail.message}`, [detail]);
  }
  if (output.length > RENDER_LIMITS.outputLength) {
    const message = `the rendered ${part} is ${output.length} characters; at most ${RENDER_LIMITS.outputLength}`;
    throw new InvalidInputError(`The template could not be rendered: ${message}`, [{ path: `${at.part}.${part}`, message }]);
  }
  return output;
}

/** Renders every part present; an email without a text part gets one made from its HTML. */
export async function renderTemplate(
  channel: Channel,
  parts: TemplateParts,
  data: Record<string, unknown>,
  at: RenderPaths,
): Promise<RenderedTemplate> {
  const rendered: RenderedTemplate = { subject: null, html: null, text: null, title: null };
  for (const part of TEMPLATE_PART_NAMES) {
    const source = parts[part];
    if (source !== undefined) rendered[part] = await renderPart(part, source, data, at);
  }
  if (channel === "email" && rendered.text === null && rendered.html !== null) rendered.text = textFromHtml(rendered.html);
  return rendered;
}

function textFromHtml(html: string): string {
  return convert(html, { wordwrap: 78, selectors: [{ selector: "img", format: "skip" }] }).slice(0, RENDER_LIMITS.outputLength);
}
