import type { ErrorDetail } from "../../../../shared/http/errors";
import { isOps } from "../../principal";
import type { RenderedTemplate } from "../../services/template-render";
import type { TemplateView } from "../../services/templates";
import { ConfirmBox, CsrfField, Notice, TextField, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";
import { type TemplateFormValues, TemplateSources, TextArea } from "../template-fields";

export type VersionSummary = { version: number; createdAt: string };
export type Preview = { locale: string; rendered: RenderedTemplate } | { error: string; details?: ErrorDetail[] };

type Props = {
  viewer: Viewer;
  template: TemplateView;
  versions: VersionSummary[];
  values: TemplateFormValues;
  preview?: Preview;
  error?: string;
  details?: ErrorDetail[];
  done?: string;
};

function PreviewResult({ preview }: { preview: Preview }) {
  if ("error" in preview)
    return (
      <section aria-labelledby="preview-heading">
        <h2 id="preview-heading">Preview</h2>
        <Notice kind="error">{preview.error}</Notice>
        {preview.details?.length ? (
          <ul>
            {preview.details.map((d) => (
              <li>
                <code>{d.path}</code>: {d.message}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    );
  const parts = (["subject", "title", "html", "text"] as const).filter((part) => preview.rendered[part] !== null);
  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview ({preview.locale})</h2>
      {parts.map((part) => (
        <>
          <h3>{part}</h3>
          <pre data-part={part}>{preview.rendered[part]}</pre>
        </>
      ))}
    </section>
  );
}

export function TemplatePage(props: Props) {
  const { template } = props;
  const writable = !isOps(props.viewer.principal);
  const action = `${BASE}/templates/${template.id}`;
  return (
    <Layout title={`Template ${template.name}`} viewer={props.viewer} section="templates">
      {props.done ? <Notice kind="ok">{props.done}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <p>
        <code>{template.id}</code> · {template.channel} · version {template.version} · default locale {template.defaultLocale}
      </p>
      {props.preview ? <PreviewResult preview={props.preview} /> : null}
      <form method="post" action={`${action}/preview`} class="stack">
        <CsrfField token={props.viewer.csrf} />
        <TemplateSources channel={template.channel} values={props.values} details={props.details} />
        <TextArea id="data" name="data" label="Preview data (JSON)" rows={5} value={props.values.data ?? "{}"} />
        <TextField id="locale" name="locale" label="Preview locale" value={props.values.locale} hint="empty: the default" />
        <p>
          <button type="submit">Preview</button>{" "}
          {writable ? (
            <button type="submit" formaction={`${action}/versions`}>
              Save as version {template.version + 1}
            </button>
          ) : null}
        </p>
      </form>
      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        <form method="get" action={`${action}/diff`} class="filters">
          <table>
            <thead>
              <tr>
                <th scope="col" class="num">
                  Version
                </th>
                <th scope="col">Saved</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
              </tr>
            </thead>
            <tbody>
              {props.versions.map((v, index) => (
                <tr>
                  <td class="num">{v.version}</td>
                  <td>
                    <Time iso={v.createdAt} />
                  </td>
                  <td>
                    <input
                      type="radio"
                      name="from"
                      value={String(v.version)}
                      aria-label={`from version ${v.version}`}
                      checked={index === 1}
                    />
                  </td>
                  <td>
                    <input type="radio" name="to" value={String(v.version)} aria-label={`to version ${v.version}`} checked={index === 0} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="submit">Compare</button>
        </form>
      </section>
      {writable ? (
        <form method="post" action={`${action}/delete`} class="stack">
          <h2>Delete</h2>
          <CsrfField token={props.viewer.csrf} />
          <ConfirmBox id="confirm-delete">
            I understand: the template and all its versions go; accepted messages keep their content.
          </ConfirmBox>
          <button type="submit" class="danger">
            Delete the template
          </button>
        </form>
      ) : null}
    </Layout>
  );
}
