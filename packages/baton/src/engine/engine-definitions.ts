/**
 * What declarative workflows add to an engine: the catalog of stored
 * definitions its worker runs (kept in step with the store's notices), the
 * `engine.definitions` API, and the lookup of a workflow by name that falls
 * back on the newest version of a definition.
 */
import type { Clock } from "../clock.js";
import type { TaskDefinition } from "../declarative/define-task.js";
import { sendHttpRequest } from "../declarative/http-request.js";
import { BatonError } from "../errors.js";
import type { Store } from "../store/store.js";
import type { Workflow } from "../workflow.js";
import { DefinitionCatalog } from "./definition-catalog.js";
import { createDefinitionsApi, type EngineDefinitions } from "./definitions-api.js";
import type { EngineOptions } from "./engine-types.js";

/** The declarative part of an engine. */
export interface EngineDefinitionsPart {
  catalog: DefinitionCatalog;
  api: EngineDefinitions;
  /** Loads the stored definitions and follows the store's changes; `changed` is called after each change. */
  start(changed: () => void): Promise<void>;
  stop(): void;
  /** A code workflow of this name, else the newest version of the definition of this name. @throws `UNKNOWN_WORKFLOW`. */
  resolve(name: string): Promise<Workflow>;
}

/** Sets up declarative workflows for an engine. @throws BatonError `DUPLICATE_TASK` for a task handler given twice. */
export function setUpDefinitions(
  options: Pick<EngineOptions, "tasks" | "secrets" | "http">,
  store: Store,
  clock: Clock,
  code: Map<string, Workflow>,
): EngineDefinitionsPart {
  const tasks = new Map<string, TaskDefinition>();
  for (const task of options.tasks ?? []) {
    if (tasks.has(task.name)) throw new BatonError("DUPLICATE_TASK", `task handler "${task.name}" is given twice`);
    tasks.set(task.name, task as TaskDefinition);
  }
  const catalog = new DefinitionCatalog(
    store,
    {
      tasks,
      secrets: { ...options.secrets },
      http: {
        ...(options.http?.allowedHosts ? { allowlist: { allowedHosts: [...options.http.allowedHosts] } } : {}),
        ...(options.http?.lookup ? { lookup: options.http.lookup } : {}),
      },
      sendHttpRequest,
    },
    code,
  );
  let changed = () => {};
  let unsubscribe: (() => void) | undefined;
  /** While started, the catalog follows the store's notices: its newest versions are read from memory. */
  let following = false;
  const refresh = () =>
    void catalog.refresh().then(
      (news) => news && changed(),
      () => {},
    );
  return {
    catalog,
    api: createDefinitionsApi({ store, clock, catalog, code, deployed: () => changed() }),
    async start(onChange) {
      changed = onChange;
      unsubscribe ??= store.subscribe?.((notice) => {
        if (notice.kind === "definitions" || notice.kind === "reconnected") refresh();
      });
      await catalog.refresh();
      following = unsubscribe !== undefined;
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      following = false;
      changed = () => {};
    },
    async resolve(name) {
      const found =
        code.get(name) ?? (following ? catalog.latest(name) : undefined) ?? (await catalog.find(name))?.workflow;
      if (found) return found;
      const known = [...code.keys()].join(", ") || "none";
      throw new BatonError(
        "UNKNOWN_WORKFLOW",
        `unknown workflow "${name}" (registered: ${known}; and no definition of that name is stored)`,
      );
    },
  };
}
