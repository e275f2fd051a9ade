import type { Channel } from "../../../shared/domain/enums";
import type { TemplatePartName } from "../../../shared/domain/template-parts";
import type { ErrorDetail } from "../../../shared/http/errors";

/** The text of a template form, as typed: shown again after a preview or an error. */
export type TemplateFormValues = Partial<
  Record<TemplatePartName | "name" | "channel" | "defaultLocale" | "locales" | "data" | "locale", string>
>;

const PART_LABELS: Record<TemplatePartName, string> = {
  subject: "Subject",
  html: "HTML",
  text: "Text",
  title: "Title",
};

/** The parts a channel's template takes, in form order. */
export function partsOf(channel: Channel): TemplatePartName[] {
  if (channel === "email") return ["subject", "html", "text"];
  if (channel === "push") return ["title", "text"];
  return ["text"];
}

function errorAt(details: ErrorDetail[] | undefined, path: string): string | undefined {
  return details
    ?.filter((d) => d.path === path || d.path.startsWith(`${path}.`))
    .map((d) => d.message)
    .join("; ");
}

export function TextArea(props: { id: string; name: string; label: string; value?: string; rows?: number; error?: string; hint?: string }) {
  return (
    <p>
      <label for={props.id}>{props.label}</label>
      <textarea id={props.id} name={props.name} rows={props.rows ?? 4} aria-invalid={props.error ? "true" : undefined}>
        {props.value ?? ""}
      </textarea>
      {props.hint ? <span class="hint"> {props.hint}</span> : null}
      {props.error ? <span class="field-error"> {props.error}</span> : null}
    </p>
  );
}

/** The Liquid sources of the default locale and the other locales as JSON. */
export function TemplateSources(props: { channel: Channel; values: TemplateFormValues; details?: ErrorDetail[] }) {
  return (
    <>
      {partsOf(props.channel).map((part) => (
        <TextArea
          id={`part-${part}`}
          name={part}
          label={props.channel === "email" && part === "text" ? "Text (made from the HTML when empty)" : PART_LABELS[part]}
          rows={part === "html" || part === "text" ? 10 : 2}
          value={props.values[part]}
          error={errorAt(props.details, `content.${part}`)}
        />
      ))}
      <TextArea
        id="locales"
        name="locales"
        label="Other locales (JSON)"
        rows={6}
        value={props.values.locales}
        hint={`e.g. {"fr": {"${partsOf(props.channel)[0]}": "…"}}; each locale gives every part`}
        error={errorAt(props.details, "locales")}
      />
    </>
  );
}
