import type { OpenApiDocument } from "./finish-document";

type Operations = Map<string, { takesBody: boolean }>;

/** Paths with ids are many; the remembered ones are forgotten together past this. */
const MAX_REMEMBERED_PATHS = 1_000;

/** The documented paths as patterns, to tell a wrong method (405) from an unknown path (404), and which operations take a JSON body. */
export function routeTable(document: OpenApiDocument) {
  const routes = Object.entries(document.paths ?? {}).map(([path, item]) => {
    const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);
    const operations: Operations = new Map(
      Object.entries(item)
        .filter(([, operation]) => typeof operation === "object" && operation !== null && "responses" in operation)
        .map(([method, operation]) => [method.toUpperCase(), { takesBody: Boolean(operation.requestBody) }]),
    );
    return { pattern, operations };
  });
  // A path may match several patterns (`/v1/dead-letters/redrive` and `/v1/dead-letters/{id}`): merge them.
  const merge = (path: string): Operations => {
    const merged: Operations = new Map();
    for (const route of routes) if (route.pattern.test(path)) for (const [method, op] of route.operations) merged.set(method, op);
    return merged;
  };
  // Every API request asks; testing ~80 patterns each time was a few per cent of a send's CPU.
  const known = new Map<string, Operations>();
  const operationsAt = (path: string): Operations => {
    let operations = known.get(path);
    if (!operations) {
      if (known.size >= MAX_REMEMBERED_PATHS) known.clear();
      operations = merge(path);
      known.set(path, operations);
    }
    return operations;
  };
  return {
    /** The methods a known path allows (GET implies HEAD), or undefined for an unknown path. */
    allowed(path: string): string[] | undefined {
      const methods = [...operationsAt(path).keys()];
      if (methods.length === 0) return undefined;
      if (methods.includes("GET")) methods.push("HEAD");
      return methods.sort();
    },
    takesBody: (method: string, path: string) => operationsAt(path).get(method.toUpperCase())?.takesBody ?? false,
  };
}

export type RouteTable = ReturnType<typeof routeTable>;

/** application/json, with or without parameters, or any `+json` type. */
export function isJson(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(";")[0].trim().toLowerCase() ?? "";
  return mediaType === "application/json" || /^application\/[\w.+-]+\+json$/.test(mediaType);
}
