/**
 * The JSON of the definition routes (`/api/definitions`, `/api/runs/{id}/graph`),
 * as TypeScript types for clients; re-exported by wire-types.ts. Times are
 * ISO 8601 strings in UTC. Types only: a browser build can load it.
 */

/** A stored definition version (`GET /api/definitions/{name}/versions/{version}`). */
export interface Definition {
  name: string;
  version: string;
  description?: string;
  /** The document (see `/api/schemas/workflow-definition.json`). */
  document: Record<string, unknown>;
  /** The text deployed (YAML or JSON), when it came as text. */
  source?: string;
  createdAt: string;
}

/** The answer of a deploy (`POST /api/definitions`). */
export interface DeployedDefinition extends Definition {
  outcome: "created" | "replaced" | "unchanged";
}

/** The body of a deploy: the document, or `{ source }`, its YAML or JSON text. */
export type DeployDefinitionRequest = { source: string } | Record<string, unknown>;

/** One definition of the list. */
export interface DefinitionSummary {
  name: string;
  latestVersion: string;
  description?: string;
  versions: number;
  updatedAt: string;
}

/** `GET /api/definitions`. */
export interface DefinitionList {
  definitions: DefinitionSummary[];
}

/** One version of a definition, without its document. */
export interface DefinitionVersion {
  version: string;
  description?: string;
  createdAt: string;
}

/** `GET /api/definitions/{name}`: the versions, newest first, and the newest whole. */
export interface DefinitionVersions {
  name: string;
  versions: DefinitionVersion[];
  latest: Definition;
}

/** How a node of a run's definition fared. */
export interface NodeTrace {
  status: "pending" | "skipped" | "running" | "waiting" | "completed" | "failed";
  /** Positions of the run's calls this node made. */
  positions: number[];
  /** Times the node was entered (more than once inside a forEach). */
  entered: number;
}

/** `GET /api/runs/{id}/graph`. */
export interface RunGraph {
  runId: string;
  name: string;
  version: string;
  document: Record<string, unknown>;
  nodes: Record<string, NodeTrace>;
}
