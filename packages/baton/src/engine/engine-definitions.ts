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
  /**
   * A code workflow of this name, else the newest version of the definition
   * of this name; with `version`, that version of the definition.
   * @throws `UNKNOWN_WORKFLOW`, `UNKNOWN_VERSION`.
   */
  resolve(name: string, version?: string): Promise<Workflow>;
}

const unknownWorkflow = (name: string, code: Map<string, Workflow>) =>
  new BatonError(
    "UNKNOWN_WORKFLOW",
    `unknown workflow "${name}" (registered: ${[...code.keys()].join(", ") || "none"}; and no definition of that name is stored)`,
  );

/**
 * Sets up declarative workflows for an engine (`code`: the newest version of
 * each code workflow, `versions`: all of them).
 * @throws BatonError `DUPLICATE_TASK` for a task handler given twice.
 */
export function setUpDefinitions(
  options: Pick<EngineOptions, "tasks" | "secrets" | "http">,
  store: Store,
  clock: Clock,
  code: Map<string, Workflow>,
  versions: readonly Workflow[] = [...code.values()],
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
    async resolve(name, version) {
      if (version !== undefined) {
        const coded = versions.find((w) => w.name === name && w.version === version);
        if (coded) return coded;
        const entry = await catalog.find(name, version);
        if (entry) return entry.workflow;
        const known = code.has(name) || (await catalog.find(name)) !== undefined;
        if (!known) throw unknownWorkflow(name, code);
        throw new BatonError(
          "UNKNOWN_VERSION",
          `workflow "${name}" has no version "${version}" here (neither in this engine's code nor among the stored definitions)`,
        );
      }
      const found =
        code.get(name) ?? (following ? catalog.latest(name) : undefined) ?? (await catalog.find(name))?.workflow;
      if (found) return found;
      throw unknownWorkflow(name, code);
    },
  };
}
