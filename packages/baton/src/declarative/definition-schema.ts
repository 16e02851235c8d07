/**
 * The JSON Schema (draft-07) of a definition document, as published at
 * `/api/schemas/workflow-definition.json` for editors. Built from one schema
 * per node kind, which the checker also uses one node at a time (so that an
 * error names the node and field it is about, not every kind the node is not).
 *
 * What a schema cannot say (ids unique in the whole document, expressions
 * that parse, `$secrets` only in `http` nodes, durations, one kind per
 * node) is checked by `checkDefinition`.
 */
import { nodeKinds } from "./definition-types.js";

type Schema = Record<string, unknown>;

const text = (maxLength = 2000, description?: string): Schema => ({
  type: "string",
  minLength: 1,
  maxLength,
  ...(description ? { description } : {}),
});
const duration: Schema = {
  description: 'A duration: milliseconds, or a string such as "30s", "5m", "2h", "3d".',
  type: ["string", "number"],
};
const retry: Schema = {
  type: "object",
  description: "Retry policy of the node's attempts.",
  additionalProperties: false,
  properties: {
    maxAttempts: { type: "integer", minimum: 1 },
    initialInterval: duration,
    backoffCoefficient: { type: "number", minimum: 1 },
    maxInterval: duration,
    jitter: { type: "number", minimum: 0, maximum: 1 },
  },
};
const steps: Schema = { $ref: "#/definitions/steps" };
/** A branch that may be empty (`else`, `default`). */
const optionalSteps: Schema = { $ref: "#/definitions/optionalSteps" };
const anyValue: Schema = { description: "Any JSON value; strings written {% ... %} are JSONata expressions." };
const jsonSchema: Schema = { type: "object", description: "A JSON Schema." };

const taskNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: text(200, "A handler registered with defineTask, or (with queue) a remote task's name."),
    input: anyValue,
    queue: text(200, "Task queue of a remote task, polled by task workers."),
    retry,
    timeout: duration,
    heartbeatTimeout: duration,
    compensate: { $ref: "#/definitions/compensation" },
  },
};
const httpNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["url"],
  properties: {
    method: { enum: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] },
    url: text(8000, "http: or https: URL, or an expression giving one."),
    headers: { type: "object", additionalProperties: { type: "string" } },
    query: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
    body: anyValue,
    expect: { type: "array", items: { type: "integer", minimum: 100, maximum: 599 }, minItems: 1 },
    maxResponseBytes: { type: "integer", minimum: 1, maximum: 67_108_864 },
    timeout: duration,
    retry,
    compensate: { $ref: "#/definitions/compensation" },
  },
};
const waitNode: Schema = {
  type: "object",
  additionalProperties: false,
  description: "Exactly one of signal, event, duration or until.",
  properties: {
    signal: text(200),
    event: text(200),
    match: { type: "object", additionalProperties: { type: ["string", "number", "boolean", "null"] } },
    timeout: duration,
    duration,
    until: text(200, "An ISO 8601 time, or an expression giving one."),
  },
};
const approvalNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["title"],
  properties: {
    title: text(200),
    description: text(10_000),
    form: jsonSchema,
    assignee: text(200),
    role: text(200),
    context: anyValue,
    timeout: duration,
    reminder: duration,
    onTimeout: {
      oneOf: [
        { enum: ["return", "fail"] },
        {
          type: "object",
          additionalProperties: false,
          required: ["reassign"],
          properties: {
            reassign: {
              type: "object",
              additionalProperties: false,
              properties: { assignee: text(200), role: text(200), timeout: duration },
            },
          },
        },
      ],
    },
  },
};
const parallelNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["branches"],
  properties: { branches: { type: "array", minItems: 1, items: steps } },
};
const forEachNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["items", "steps"],
  properties: {
    items: { description: "A list, or an expression giving one." },
    concurrency: { type: "integer", minimum: 1, maximum: 100 },
    steps,
  },
};
const ifNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["condition", "then"],
  properties: {
    condition: { description: "An expression (or a literal) whose truth picks the branch." },
    // biome-ignore lint/suspicious/noThenProperty: the if node's branch is named "then"
    then: steps,
    else: optionalSteps,
  },
};
const switchNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["cases"],
  properties: {
    cases: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["when", "steps"],
        properties: { when: { description: "An expression (or a literal)." }, steps },
      },
    },
    default: optionalSteps,
  },
};
const childNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["workflow"],
  properties: { workflow: text(128, "A code workflow's or a definition's name."), input: anyValue },
};
const failNode: Schema = {
  type: "object",
  additionalProperties: false,
  required: ["error"],
  properties: { error: text(2000), code: { type: "string", pattern: "^[A-Z][A-Z0-9_]{0,63}$" } },
};
const succeedNode: Schema = {
  type: "object",
  additionalProperties: false,
  properties: { output: anyValue },
};

/** The schema of each node kind's body, by kind (nested node lists refer to `#/definitions/steps`). */
export const nodeKindSchemas: Record<(typeof nodeKinds)[number], Schema> = {
  task: taskNode,
  http: httpNode,
  wait: waitNode,
  approval: approvalNode,
  parallel: parallelNode,
  forEach: forEachNode,
  if: ifNode,
  switch: switchNode,
  child: childNode,
  fail: failNode,
  succeed: succeedNode,
};

/** A node's `id`: letters, digits, `_` and `-`, starting with a letter or `_` (at most 64). */
export const nodeIdPattern = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

const nodeSchema = (): Schema => ({
  type: "object",
  required: ["id"],
  minProperties: 2,
  maxProperties: 3,
  properties: {
    id: { type: "string", pattern: nodeIdPattern.source, description: "Unique in the whole definition." },
    description: text(2000),
    ...Object.fromEntries(nodeKinds.map((kind) => [kind, { $ref: `#/definitions/${kind}Node` }])),
  },
  additionalProperties: false,
  oneOf: nodeKinds.map((kind) => ({ required: [kind] })),
});

/** Top-level fields of a document. */
export const documentProperties: Schema = {
  name: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" },
  version: { type: ["string", "integer"], pattern: "^[A-Za-z0-9._-]{1,64}$", minimum: 1 },
  description: text(10_000),
  input: jsonSchema,
  output: anyValue,
  retry,
  timeout: duration,
  queue: text(200),
  steps,
};

/** The published JSON Schema of a definition document. */
export const definitionSchema: Schema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://baton.dev/schemas/workflow-definition.json",
  title: "Baton workflow definition",
  type: "object",
  required: ["name", "steps"],
  additionalProperties: false,
  properties: documentProperties,
  definitions: {
    steps: { type: "array", minItems: 1, items: { $ref: "#/definitions/node" } },
    optionalSteps: { type: "array", items: { $ref: "#/definitions/node" } },
    node: nodeSchema(),
    compensation: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 2,
      properties: {
        id: { type: "string", pattern: nodeIdPattern.source },
        task: { $ref: "#/definitions/compensationTask" },
        http: { $ref: "#/definitions/httpNode" },
      },
      oneOf: [{ required: ["task"] }, { required: ["http"] }],
    },
    compensationTask: {
      ...taskNode,
      properties: Object.fromEntries(
        Object.entries(taskNode.properties as Schema).filter(
          ([key]) => !["queue", "heartbeatTimeout", "compensate"].includes(key),
        ),
      ),
    },
    ...Object.fromEntries(nodeKinds.map((kind) => [`${kind}Node`, nodeKindSchemas[kind]])),
  },
};
