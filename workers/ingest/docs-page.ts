// The Scalar API reference's browser bundle, imported as text (a `Text` module rule in
// wrangler.ingest.toml, a text loader in scripts/build-workers.ts) and served by this worker.
import apiReference from "@scalar/api-reference/browser/standalone.js";
import { Hono } from "hono";
import { html } from "hono/html";

const ASSET_PATH = "/docs/assets/api-reference.js";

/**
 * Only this worker's own origin: the bundle and the document. Scalar injects its styles at run
 * time, hence 'unsafe-inline' for styles only; fonts fall back to the system's.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Read by the bundle from the `#api-reference` element: no inline script is needed. */
const CONFIGURATION = JSON.stringify({
  withDefaultFonts: false,
  hideClientButton: true,
  showDeveloperTools: "never",
  agent: { disabled: true },
});

function page(title: string) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — API reference</title></head>
<body>
<noscript><p>The interactive reference needs JavaScript. The OpenAPI 3.1 document is at <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<script id="api-reference" type="application/json" data-url="/openapi.json" data-configuration="${CONFIGURATION}"></script>
<script src="${ASSET_PATH}"></script>
</body></html>`;
}

/** `/docs`: an interactive API reference of /openapi.json, rendered by Scalar, every asset from this worker. */
export function docsRoutes(title: string) {
  return new Hono()
    .get("/docs", (c) => {
      c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      return c.html(page(title));
    })
    .get(ASSET_PATH, (c) => {
      c.header("Content-Type", "text/javascript; charset=utf-8");
      c.header("Cache-Control", "public, max-age=3600");
      c.header("X-Content-Type-Options", "nosniff");
      return c.body(apiReference);
    });
}
