/** Imported as text (see docs-page.ts). */
declare module "@scalar/api-reference/browser/standalone.js" {
  const source: string;
  export default source;
}
