/**
 * Names the route a request is for, before any protocol handler runs, so that faults and
 * rate limits apply to every provider alike. The names match what each protocol counts
 * (`ctx.state.count(name)`). A new route adds one line here.
 */
const ROUTES: Array<[RegExp, string | ((m: RegExpExecArray, method: string) => string)]> = [
  [/^\/api\/generate\/submit$/, "apidot.submit"],
  [/^\/api\/generate\/status\//, "apidot.status"],
  [/^\/(?:v1beta|v1)\/models\/[^/]+:generateContent$/, "gemini.generate"],
  [/^\/(?:v1beta|v1)\/models\/[^/]+:batchGenerateContent$/, "gemini.batch.create"],
  [/^\/(?:v1beta|v1)\/batches$/, "gemini.batch.list"],
  [/^\/(?:v1beta|v1)\/batches\/[^/]+:cancel$/, "gemini.batch.cancel"],
  [/^\/(?:v1beta|v1)\/batches\/[^/:]+$/, (_m, method) => (method === "DELETE" ? "gemini.batch.delete" : "gemini.batch.get")],
  [/^\/upload\/(?:v1beta|v1)\/files$/, "gemini.upload"],
  [/^\/(?:download\/)?(?:v1beta|v1)\/files\/[^/]+:download$/, "gemini.download"],
  [/^\/(?:v1beta|v1)\/files\/[^/:]+$/, "gemini.files"],
  [/^\/paid\/nano\/banana\/create$/, "revid.create"],
  [/^\/paid\/get\/taskid$/, "revid.query"],
  [/fal-ai\/.*\/requests\/[^/]+\/status$/, "fal.status"],
  [/fal-ai\/.*\/requests\/[^/]+\/cancel$/, "fal.cancel"],
  [/fal-ai\/.*\/requests\/[^/]+$/, "fal.result"],
  [/^\/(?:fal\/)?fal-ai\//, (_m, method) => (method === "POST" ? "fal.submit" : "fal.other")],
  [/^\/__simulator\/files\//, "files"],
];

/** Every route name, for checking what a user writes in a fault spec. */
export const ROUTE_NAMES = [
  "apidot.submit",
  "apidot.status",
  "gemini.generate",
  "gemini.batch.create",
  "gemini.batch.get",
  "gemini.batch.list",
  "gemini.batch.cancel",
  "gemini.batch.delete",
  "gemini.upload",
  "gemini.download",
  "gemini.files",
  "revid.create",
  "revid.query",
  "fal.submit",
  "fal.status",
  "fal.result",
  "fal.cancel",
  "files",
] as const;
export const ROUTE_PROVIDERS = ["apidot", "gemini", "fal", "revid"] as const;

/** The route name (`apidot.submit`, `files`, …), or undefined for admin and unknown paths. */
export function routeName(method: string, pathname: string): string | undefined {
  for (const [re, name] of ROUTES) {
    const m = re.exec(pathname);
    if (m) return typeof name === "string" ? name : name(m, method);
  }
  return undefined;
}

/** The provider a route belongs to: the part before the dot (`files` belongs to none). */
export function routeProvider(route: string): string | undefined {
  const dot = route.indexOf(".");
  return dot > 0 ? route.slice(0, dot) : undefined;
}

/** Routes that create (and charge) a task. */
export function createsTask(route: string): boolean {
  return /\.(submit|create|generate)$/.test(route);
}

/** `*` matches any run of characters: `apidot.*`, `*.submit`, `*`. */
export function routeMatches(pattern: string, route: string): boolean {
  if (pattern === "*" || pattern === route) return true;
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return re.test(route);
}
