/**
 * `engine.definitions`: deploy, read and list declarative workflow
 * definitions, and trace a run of one node by node.
 */
import { createHash } from "node:crypto";
import type { Clock } from "../clock.js";
import { checkDefinition } from "../declarative/check-definition.js";
import type { Definition, DefinitionSummary, RunGraph } from "../declarative/definition-types.js";
import { traceRunGraph } from "../declarative/trace-run-graph.js";
import { BatonError, runNotFound } from "../errors.js";
import type { Store } from "../store/store.js";
import type { Workflow } from "../workflow.js";
import type { DefinitionCatalog } from "./definition-catalog.js";
import { toDefinition } from "./definition-catalog.js";
import { toSteps } from "./run-view.js";

/** What `engine.definitions.deploy` did. */
export interface DeployResult {
  definition: Definition;
  /** `created` a version, `replaced` an unused version's content, or found the same content `unchanged`. */
  outcome: "created" | "replaced" | "unchanged";
}

/** One version of a definition, without its document. */
export interface DefinitionVersion {
  version: string;
  description?: string;
  createdAt: Date;
}

/** `engine.definitions`. Errors: `INVALID_DEFINITION` (with every issue), `DEFINITION_NOT_FOUND`, `DEFINITION_IMMUTABLE`. */
export interface EngineDefinitions {
  /**
   * Checks a definition (YAML or JSON text, or an object) and stores it as
   * a version: the document's `version`, or the next whole number. The
   * same content again is the same version; a version a run used never
   * changes. Runs of it can start at once, on every worker of the store.
   * @example
   * const { definition } = await engine.definitions.deploy(readFileSync("etl.yaml", "utf8"));
   * await engine.startRun(definition.name, { date: "2026-12-01" });
   */
  deploy(document: string | Record<string, unknown>): Promise<DeployResult>;
  /** A version of a definition, or its newest. @throws `DEFINITION_NOT_FOUND`. */
  get(name: string, version?: string): Promise<Definition>;
  /** Every definition, by name, with its newest version. */
  list(): Promise<DefinitionSummary[]>;
  /** The versions of a definition, newest first. @throws `DEFINITION_NOT_FOUND`. */
  versions(name: string): Promise<DefinitionVersion[]>;
  /** How each node of a run's definition fared. @throws `RUN_NOT_FOUND`, `NOT_A_DEFINITION_RUN`. */
  graph(runId: string): Promise<RunGraph>;
}

/** What the definitions API needs of its engine. */
export interface DefinitionsApiDeps {
  store: Store;
  clock: Clock;
  catalog: DefinitionCatalog;
  code: Map<string, Workflow>;
  /** A definition's runs can start: claim them. */
  deployed(): void;
}

/** JSON with object keys in order, so that equal documents give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const notFound = (name: string, version?: string) =>
  new BatonError(
    "DEFINITION_NOT_FOUND",
    version === undefined ? `definition "${name}" not found` : `definition "${name}" version "${version}" not found`,
  );

/** Creates `engine.definitions`. */
export function createDefinitionsApi(deps: DefinitionsApiDeps): EngineDefinitions {
  const { store, clock, catalog } = deps;
  return {
    async deploy(input) {
      const document = await checkDefinition(input);
      if (deps.code.has(document.name)) {
        throw new BatonError(
          "DEFINITION_CONFLICT",
          `definition "${document.name}" has the name of a code workflow of this engine: give it another name`,
        );
      }
      const { version, ...content } = document;
      await store.ready?.();
      const saved = await store.saveDefinition(
        {
          name: document.name,
          ...(version === undefined ? {} : { version: String(version) }),
          ...(document.description === undefined ? {} : { description: document.description }),
          document: document as unknown as Record<string, unknown>,
          digest: createHash("sha256").update(canonicalJson(content)).digest("hex"),
          ...(typeof input === "string" ? { source: input } : {}),
        },
        clock.now(),
      );
      if (saved.outcome !== "unchanged") await catalog.refresh();
      deps.deployed();
      return { definition: toDefinition(saved.definition), outcome: saved.outcome };
    },
    async get(name, version) {
      const record = await store.getDefinition(name, version);
      if (!record) throw notFound(name, version);
      return toDefinition(record);
    },
    async list() {
      return (await store.listDefinitions()).map((row) => ({ ...row, updatedAt: new Date(row.updatedAt) }));
    },
    async versions(name) {
      const versions = await store.listDefinitionVersions(name);
      if (versions.length === 0) throw notFound(name);
      return versions.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
    },
    async graph(runId) {
      const run = await store.getRun(runId);
      if (!run) throw runNotFound(runId);
      const record = await store.getDefinition(run.workflow, run.version);
      if (!record || deps.code.has(run.workflow)) {
        throw new BatonError(
          "NOT_A_DEFINITION_RUN",
          `run "${runId}" is a run of workflow "${run.workflow}" version "${run.version}", which is not a stored definition`,
        );
      }
      const history = await store.getHistory(runId);
      return traceRunGraph(toDefinition(record), {
        id: run.id,
        status: run.status,
        input: run.input,
        history,
        steps: toSteps(history),
      });
    },
  };
}
