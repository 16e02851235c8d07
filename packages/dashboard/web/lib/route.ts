/**
 * The dashboard's routes live in the URL's hash, so the server serves one
 * `index.html` for every view:
 *
 * - `#/runs?workflow=order&status=failed` : the runs, filtered
 * - `#/runs/<encoded run id>` : one run
 * - `#/waiting` : runs waiting for a person
 * - `#/workflows` : workflows with counts and recent failures
 * - `#/definitions` : the definitions of declarative workflows
 * - `#/definitions/<encoded name>?version=2` : one definition (its latest version without `version`)
 * - `#/queues` : the named queues, their limits and depth
 * - `#/schedules` : schedules with their next fire times and last runs
 * - `#/tasks?queue=media&status=failed` : tasks, filtered (by default the open ones)
 * - `#/inbox?assignee=ada&status=completed` : human tasks, filtered (by default the open ones)
 * - `#/inbox/<encoded human task id>` : one human task, with its form
 *
 * Links to runs are only ever built by `runHref`, to human tasks by
 * `humanTaskHref` and to definitions by `definitionHref`, which encode the
 * id or name, and links to lists by `runsHref`,
 * `tasksHref` and `inboxHref`, which encode their values.
 */

/** A parsed route. */
export type Route =
  | { name: "runs"; query: URLSearchParams }
  | { name: "run"; id: string }
  | { name: "waiting" }
  | { name: "workflows" }
  | { name: "definitions" }
  | { name: "definition"; definition: string; version?: string }
  | { name: "queues" }
  | { name: "schedules" }
  | { name: "tasks"; query: URLSearchParams }
  | { name: "inbox"; query: URLSearchParams }
  | { name: "human-task"; id: string }
  | { name: "not-found"; path: string };

/** The id in a route's path segment, decoded; `undefined` when it does not decode. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Reads a route from a location hash (`#/runs/abc`). */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, "");
  const questionMark = text.indexOf("?");
  const path = questionMark === -1 ? text : text.slice(0, questionMark);
  const query = new URLSearchParams(questionMark === -1 ? "" : text.slice(questionMark + 1));
  if (path === "" || path === "/" || path === "/runs") return { name: "runs", query };
  if (path === "/waiting") return { name: "waiting" };
  if (path === "/workflows") return { name: "workflows" };
  if (path === "/definitions") return { name: "definitions" };
  if (path === "/queues") return { name: "queues" };
  if (path === "/schedules") return { name: "schedules" };
  if (path === "/tasks") return { name: "tasks", query };
  if (path === "/inbox") return { name: "inbox", query };
  const item = /^\/(runs|inbox|definitions)\/([^/]+)$/.exec(path);
  const id = item?.[2] === undefined ? undefined : decodeSegment(item[2]);
  if (id !== undefined && item?.[1] === "definitions") {
    const version = query.get("version");
    return { name: "definition", definition: id, ...(version ? { version } : {}) };
  }
  if (id !== undefined) return item?.[1] === "runs" ? { name: "run", id } : { name: "human-task", id };
  return { name: "not-found", path };
}

/** The link to a run's page. */
export function runHref(id: string): `#/${string}` {
  return `#/runs/${encodeURIComponent(id)}`;
}

/** The link to a human task's page in the inbox (its id is `<run id>:<position>`). */
export function humanTaskHref(id: string): `#/${string}` {
  return `#/inbox/${encodeURIComponent(id)}`;
}

/** The link to a definition's page, at `version` (default: its latest). */
export function definitionHref(name: string, version?: string): `#/${string}` {
  const path = `#/definitions/${encodeURIComponent(name)}` as const;
  return version ? `${path}?${new URLSearchParams({ version })}` : path;
}

/** A list's route with these filters as its query (empty values are left out). */
function listHref(path: "/runs" | "/tasks" | "/inbox", filters: Record<string, string | undefined>): `#/${string}` {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `#${path}?${text}` : `#${path}`;
}

/** The link to the runs list with these filters (empty values are left out). */
export function runsHref(filters: Record<string, string | undefined>): `#/${string}` {
  return listHref("/runs", filters);
}

/** The link to the tasks list with these filters (empty values are left out; see `taskFilterValues`). */
export function tasksHref(filters: Record<string, string | undefined>): `#/${string}` {
  return listHref("/tasks", filters);
}

/** The link to the inbox with these filters (empty values are left out; see `inboxFilterValues`). */
export function inboxHref(filters: Record<string, string | undefined>): `#/${string}` {
  return listHref("/inbox", filters);
}
