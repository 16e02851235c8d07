/**
 * Baton's web dashboard as static files: runs, run detail (timeline, graph,
 * steps, history, actions), runs waiting for people, and workflows. The
 * browser code calls the HTTP API under `/api` of the same origin.
 *
 * @example
 * import { dashboardDir, isDashboardBuilt } from "@baton/dashboard";
 * if (isDashboardBuilt()) await startServer({ engine, dashboard: dashboardDir });
 */
export { dashboardDir, isDashboardBuilt } from "./dashboard-dir.js";
