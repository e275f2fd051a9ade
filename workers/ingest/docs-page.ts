import { html } from "hono/html";

type Operation = { summary?: string; description?: string; tags?: string[] };
type Document = { info: { title: string; version: string; description?: string }; paths?: object };
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** A plain, self-contained reference page rendered from the OpenAPI document: nothing is fetched. */
export function docsPage(document: Document) {
  const paths = Object.entries(document.paths ?? {}) as [string, Partial<Record<(typeof METHODS)[number], Operation>>][];
  const operations = paths.flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ path, method: method.toUpperCase(), op: item[method] }] : [])),
  );
  const byTag = Map.groupBy(operations, (o) => o.op.tags?.[0] ?? "Other");
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${document.info.title} — API reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}.m{display:inline-block;width:4.5rem;font-weight:600}
li{margin:.4rem 0}small{color:#555}</style></head>
<body><h1>${document.info.title} <small>v${document.info.version}</small></h1>
<p>${document.info.description ?? ""}</p>
<p>The machine-readable document is <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI 3.1).</p>
${[...byTag].map(
  ([tag, ops]) =>
    html`<h2>${tag}</h2><ul>${ops.map(
      (o) => html`<li><span class="m">${o.method}</span><code>${o.path}</code> — ${o.op.summary ?? ""}
        ${o.op.description ? html`<br><small>${o.op.description}</small>` : ""}</li>`,
    )}</ul>`,
)}
</body></html>`;
}
