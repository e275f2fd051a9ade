/**
 * liquidjs's browser build: the package's `module` entry is its Node build, which imports fs,
 * path and stream. Workers get the build with no Node imports, whichever bundler resolves it.
 */
declare module "liquidjs/dist/liquid.browser.mjs" {
  export * from "liquidjs";
}
