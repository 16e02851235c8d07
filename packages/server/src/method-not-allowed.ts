/**
 * The methods the routes of `app` answer at `path` (`HEAD` with `GET`), from
 * its routes under `/api`; empty when no route has that path. Middleware
 * (method `ALL`) and wildcard routes (the dashboard's) are left out.
 */
export function allowedMethods(app: { routes: readonly { method: string; path: string }[] }, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL" || route.path.includes("*") || !route.path.startsWith("/api/")) continue;
    const pattern = new RegExp(`^${route.path.replace(/:[^/]+/g, "[^/]+")}$`);
    if (pattern.test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
