/**
 * The schemas of the definition routes (`/api/definitions`): a declarative
 * workflow definition as stored, the list, and a deploy. The document itself
 * is described by its own JSON Schema, served at
 * `/api/schemas/workflow-definition.json`; the library checks it.
 */
import { z } from "@hono/zod-openapi";
import { Json, RunId, Time, WorkflowName } from "./api-schemas.js";

const documentDescription =
  "The definition document: see /api/schemas/workflow-definition.json (name, version, input, output, steps of nodes)";

/** A stored definition version. */
export const Definition = z
  .object({
    name: z.string(),
    version: z.string(),
    description: z.string().optional(),
    document: z.record(z.string(), Json).openapi({ description: documentDescription }),
    source: z.string().optional().openapi({ description: "the text deployed (YAML or JSON), when it came as text" }),
    createdAt: Time,
  })
  .openapi("Definition");

/** What a deploy answers: the version, and whether it was created, replaced or found unchanged. */
export const DeployedDefinition = Definition.extend({
  outcome: z.enum(["created", "replaced", "unchanged"]),
}).openapi("DeployedDefinition");

/** One definition in the list. */
export const DefinitionSummary = z
  .object({
    name: z.string(),
    latestVersion: z.string(),
    description: z.string().optional(),
    versions: z.number().int(),
    updatedAt: Time,
  })
  .openapi("DefinitionSummary");

/** The list of definitions. */
export const DefinitionList = z.object({ definitions: z.array(DefinitionSummary) }).openapi("DefinitionList");

/** One version of a definition, without its document. */
export const DefinitionVersion = z
  .object({ version: z.string(), description: z.string().optional(), createdAt: Time })
  .openapi("DefinitionVersion");

/** A definition's versions, newest first, with its newest version whole. */
export const DefinitionVersions = z
  .object({ name: z.string(), versions: z.array(DefinitionVersion), latest: Definition })
  .openapi("DefinitionVersions");

/**
 * The body of a deploy: the document as JSON, or `{ source }`, its text
 * (YAML or JSON), kept as it was written.
 */
export const DeployDefinitionBody = z
  .union([
    z.object({ source: z.string().min(1).openapi({ description: "the definition as YAML or JSON text" }) }).strict(),
    z.record(z.string(), Json).openapi({ description: documentDescription }),
  ])
  .openapi("DeployDefinition");

/** A definition name in a path. */
export const DefinitionPath = z.object({ name: WorkflowName.openapi({ param: { name: "name", in: "path" } }) });

/** A definition name and version in a path. */
export const DefinitionVersionPath = DefinitionPath.extend({
  version: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .openapi({ param: { name: "version", in: "path" }, example: "3" }),
});

/** How a node of a run's definition fared. */
export const NodeTrace = z
  .object({
    status: z.enum(["pending", "skipped", "running", "waiting", "completed", "failed"]),
    positions: z.array(z.number().int()).openapi({ description: "positions of the run's calls this node made" }),
    entered: z.number().int().openapi({ description: "times the node was entered (more than once in a forEach)" }),
  })
  .openapi("NodeTrace");

/** A run of a definition, node by node. */
export const RunGraph = z
  .object({
    runId: RunId,
    name: z.string(),
    version: z.string(),
    document: z.record(z.string(), Json),
    nodes: z.record(z.string(), NodeTrace),
  })
  .openapi("RunGraph");
