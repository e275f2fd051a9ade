import type { Change } from "diff";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

export type PartDiff = { part: string; changes: Change[] };

function Lines({ changes }: { changes: Change[] }) {
  return (
    <pre class="diff">
      {changes.map((change) => {
        const text = change.value.replace(/\n$/, "");
        const marked = text
          .split("\n")
          .map((line) => `${change.added ? "+ " : change.removed ? "- " : "  "}${line}`)
          .join("\n");
        if (change.added) return <ins>{`${marked}\n`}</ins>;
        if (change.removed) return <del>{`${marked}\n`}</del>;
        return <span>{`${marked}\n`}</span>;
      })}
    </pre>
  );
}

export function TemplateDiffPage(props: { viewer: Viewer; templateId: string; name: string; from: number; to: number; parts: PartDiff[] }) {
  const changed = props.parts.filter((p) => p.changes.some((c) => c.added || c.removed));
  return (
    <Layout title={`${props.name}: version ${props.from} → ${props.to}`} viewer={props.viewer} section="templates">
      <p>
        <a href={`${BASE}/templates/${props.templateId}`}>Back to the template</a>
      </p>
      {changed.length === 0 ? <p>The two versions are the same.</p> : null}
      {changed.map((p) => (
        <section>
          <h2>{p.part}</h2>
          <Lines changes={p.changes} />
        </section>
      ))}
    </Layout>
  );
}
