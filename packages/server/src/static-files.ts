import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** A file served as is. */
export interface StaticFile {
  body: Uint8Array;
  type: string;
  /** Files with a content hash in their name may be cached for good. */
  immutable: boolean;
}

/**
 * Reads every file under `dir` once, keyed by URL path (`/assets/app-1a2b.js`).
 * Only these files are ever served, so no request path can reach outside `dir`.
 */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const url = `/${relative(dir, path).split(sep).join("/")}`;
        files.set(url, {
          body: readFileSync(path),
          type: contentTypes[extname(name).toLowerCase()] ?? "application/octet-stream",
          immutable: url.startsWith("/assets/"),
        });
      }
    }
  };
  walk(dir);
  return files;
}
