import { defineConfig } from "vite";

const here = (path: string) => decodeURIComponent(new URL(path, import.meta.url).pathname);

/**
 * Builds `web/` into `dist/`: one HTML file, hashed scripts and one
 * stylesheet under `assets/`, no inline script or style (the server's
 * Content-Security-Policy allows neither). `npm run dev` proxies `/api` to
 * a Baton server on port 7700.
 */
export default defineConfig({
  root: here("./web/"),
  base: "/",
  build: {
    outDir: here("./dist/"),
    emptyOutDir: true,
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      onwarn(warning, warn) {
        // React Flow marks its module "use client" (for server components); nothing to preserve in a browser bundle.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  worker: { format: "es" },
  server: { proxy: { "/api": "http://127.0.0.1:7700" } },
});
