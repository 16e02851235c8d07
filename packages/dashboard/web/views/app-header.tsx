import { useApi } from "../api/api-context.js";
import type { Route } from "../lib/route.js";

const links = [
  { name: "runs", href: "#/runs", label: "Runs" },
  { name: "inbox", href: "#/inbox", label: "Inbox" },
  { name: "waiting", href: "#/waiting", label: "Waiting for people" },
  { name: "workflows", href: "#/workflows", label: "Workflows" },
  { name: "definitions", href: "#/definitions", label: "Definitions" },
  { name: "queues", href: "#/queues", label: "Queues" },
  { name: "tasks", href: "#/tasks", label: "Tasks" },
  { name: "schedules", href: "#/schedules", label: "Schedules" },
] as const;

/** Where each route belongs in the navigation (a route not listed is its own). */
const sections: Partial<Record<Route["name"], string>> = {
  run: "runs",
  "human-task": "inbox",
  definition: "definitions",
};

/** The top bar: the views, the caller's identity and role, and the token controls. */
export function AppHeader({ route }: { route: Route["name"] }) {
  const { role, name, auth, forgetToken } = useApi();
  const current = sections[route] ?? route;
  return (
    <header className="app-header">
      <a className="brand" href="#/runs">
        Baton
      </a>
      <nav aria-label="Views">
        {links.map((link) => (
          <a key={link.name} href={link.href} aria-current={current === link.name ? "page" : undefined}>
            {link.label}
          </a>
        ))}
      </nav>
      <span className="whoami">
        {auth && name && name !== role && (
          <span className="identity" title="recorded on the human tasks you answer">
            {name}
          </span>
        )}
        {role && <span className={`role role-${role}`}>{role === "operator" ? "operator" : "read-only"}</span>}
        {auth && (
          <button type="button" className="link-button" onClick={forgetToken}>
            change token
          </button>
        )}
      </span>
    </header>
  );
}
