import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Absolute path of the dashboard's built static files (`index.html` and
 * `assets/`), to be served at `/` next to the API.
 */
export const dashboardDir: string = fileURLToPath(new URL("../dist/", import.meta.url)).replace(/[\\/]$/, "");

/** True when the dashboard has been built (`npm run build -w @baton/dashboard`): `dashboardDir` holds `index.html`. */
export function isDashboardBuilt(): boolean {
  return existsSync(join(dashboardDir, "index.html"));
}
