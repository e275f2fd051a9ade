import { CHANNELS, type Channel } from "../../../../shared/domain/enums";
import type { ErrorDetail } from "../../../../shared/http/errors";
import { CsrfField, Notice, SelectField, TextField } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import { type TemplateFormValues, TemplateSources } from "../template-fields";

type Props = { viewer: Viewer; channel?: Channel; values: TemplateFormValues; error?: string; details?: ErrorDetail[] };

export function NewTemplatePage(props: Props) {
  const errorOf = (path: string) => props.details?.find((d) => d.path === path)?.message;
  return (
    <Layout title="New template" viewer={props.viewer} section="templates">
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <form class="filters" method="get" action={`${BASE}/templates/new`}>
        <SelectField
          id="channel"
          name="channel"
          label="Channel"
          options={[{ value: "", label: "Choose…" }, ...CHANNELS.map((c) => ({ value: c, label: c }))]}
          value={props.channel}
        />
        <button type="submit">Show its parts</button>
      </form>
      {props.channel ? (
        <form method="post" action={`${BASE}/templates`} class="stack">
          <CsrfField token={props.viewer.csrf} />
          <input type="hidden" name="channel" value={props.channel} />
          <TextField id="name" name="name" label="Name" value={props.values.name} required error={errorOf("name")} />
          <TextField
            id="defaultLocale"
            name="defaultLocale"
            label="Default locale"
            value={props.values.defaultLocale ?? "en"}
            error={errorOf("defaultLocale")}
          />
          <TemplateSources channel={props.channel} values={props.values} details={props.details} />
          <button type="submit">Create version 1</button>
        </form>
      ) : null}
    </Layout>
  );
}
