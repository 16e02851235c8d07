import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env.js";
import { loadStaticFiles, type StaticFile } from "./static-files.js";

/**
 * Serves the built dashboard in `dir` at `/`: its files by path, and its
 * `index.html` for any other `GET` outside `/api` (the dashboard routes in
 * the browser). The files are read once, when the app is built.
 */
export function addDashboard(app: OpenAPIHono<AppEnv>, dir: string): void {
  const files = loadStaticFiles(dir);
  const index = files.get("/index.html");
  if (!index) throw new Error(`the dashboard folder ${dir} has no index.html (build the dashboard first)`);
  const send = (file: StaticFile) =>
    new Response(file.body, {
      headers: {
        "Content-Type": file.type,
        "Cache-Control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
      },
    });
  app.get("*", (c, next) => {
    if (c.req.path === "/api" || c.req.path.startsWith("/api/")) return next();
    const file = files.get(c.req.path);
    if (file) return send(file);
    if (c.req.path.startsWith("/assets/")) return next();
    return send(index);
  });
}
