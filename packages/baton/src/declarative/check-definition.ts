/**
 * Reads and checks a definition document: YAML or JSON text, or a parsed
 * object. Every problem is found in one pass and reported together, each
 * with its path in the document (`steps[3].http.url: ...`); a document with
 * any problem is refused whole.
 */
import { parseDocument } from "yaml";
import { toMilliseconds } from "../duration.js";
import { BatonError } from "../errors.js";
import { workflowNamePattern } from "../names.js";
import { resolveRetryPolicy } from "../retry-policy.js";
import { checkJsonSchema, type SchemaIssue } from "../schema-check.js";
import { definitionSchema, documentProperties, nodeIdPattern, nodeKindSchemas } from "./definition-schema.js";
import { type DefinitionDocument, type DefinitionNode, type NodeKind, nodeKinds } from "./definition-types.js";
import { compileExpression, findExpressions, isExpression, readsSecrets } from "./expressions.js";

/** A definition was refused; `issues` lists every problem with its path. Code `INVALID_DEFINITION`. */
export class DefinitionError extends BatonError {
  readonly issues: SchemaIssue[];
  constructor(issues: SchemaIssue[], name?: string) {
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    super("INVALID_DEFINITION", `invalid definition${name ? ` "${name}"` : ""}: ${list}`);
    this.name = "DefinitionError";
    this.issues = issues;
  }
}

/** Largest definition text or document (as JSON) taken: 1 MiB. */
export const maxDefinitionBytes = 1_048_576;

/**
 * Parses YAML or JSON text (JSON is YAML) into a document object.
 * @throws DefinitionError with the line and column of a syntax error.
 */
export function parseDefinitionText(source: string): unknown {
  if (Buffer.byteLength(source) > maxDefinitionBytes) {
    throw new DefinitionError([{ path: "", message: `is larger than ${maxDefinitionBytes} bytes` }]);
  }
  const parsed = parseDocument(source, { uniqueKeys: true });
  if (parsed.errors.length > 0) {
    throw new DefinitionError(
      parsed.errors.map((error) => ({
        path: "",
        message: `${error.message.split("\n")[0]}${error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : ""}`,
      })),
    );
  }
  return parsed.toJS({ maxAliasCount: 100 });
}

const shallowKindSchemas = Object.fromEntries(
  nodeKinds.map((kind) => [
    kind,
    JSON.parse(
      JSON.stringify(nodeKindSchemas[kind])
        .replaceAll('{"$ref":"#/definitions/steps"}', '{"type":"array","minItems":1}')
        .replaceAll('{"$ref":"#/definitions/optionalSteps"}', '{"type":"array"}')
        .replaceAll('{"$ref":"#/definitions/compensation"}', '{"type":"object"}'),
    ),
  ]),
) as Record<NodeKind, Record<string, unknown>>;

const topLevelSchema = {
  type: "object",
  required: ["name", "steps"],
  additionalProperties: false,
  properties: { ...documentProperties, steps: { type: "array", minItems: 1 } },
};

const compensationSchema = definitionSchema.definitions as Record<string, Record<string, unknown>>;

const prefixed = (issues: SchemaIssue[], path: string): SchemaIssue[] =>
  issues.map((issue) => ({
    path: issue.path ? `${path}${issue.path.startsWith("[") ? "" : "."}${issue.path}` : path,
    message: issue.message,
  }));

/**
 * Checks a document (text or object) and returns it, with `version` as a
 * string when it had one.
 * @throws DefinitionError listing every problem, with paths.
 */
export async function checkDefinition(input: unknown): Promise<DefinitionDocument> {
  const document = typeof input === "string" ? parseDefinitionText(input) : input;
  const issues: SchemaIssue[] = [];
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new DefinitionError([{ path: "", message: "expected an object with name and steps" }]);
  }
  if (JSON.stringify(document).length > maxDefinitionBytes) {
    throw new DefinitionError([{ path: "", message: `is larger than ${maxDefinitionBytes} bytes` }]);
  }
  const doc = document as Record<string, unknown>;
  issues.push(...((await checkJsonSchema(topLevelSchema, doc)) ?? []));
  if (typeof doc.name === "string" && !workflowNamePattern.test(doc.name)) {
    issues.push({ path: "name", message: "must start with a letter or digit" });
  }
  checkDurations(doc, "", ["timeout"], issues);
  checkRetry(doc.retry, "retry", issues);
  if (
    doc.input !== undefined &&
    typeof doc.input === "object" &&
    (await checkJsonSchema(doc.input as never, null)) === undefined
  ) {
    issues.push({ path: "input", message: "is not a JSON Schema that compiles" });
  }
  for (const found of findExpressions(doc.output, "output")) checkExpression(found, false, issues);
  const ids = new Map<string, string>();
  if (Array.isArray(doc.steps)) await checkNodes(doc.steps, "steps", ids, issues);
  if (issues.length > 0) throw new DefinitionError(issues, typeof doc.name === "string" ? doc.name : undefined);
  const checked = structuredClone(doc) as unknown as DefinitionDocument;
  if (checked.version !== undefined) checked.version = String(checked.version);
  return checked;
}

async function checkNodes(nodes: unknown[], path: string, ids: Map<string, string>, issues: SchemaIssue[]) {
  for (const [index, node] of nodes.entries()) await checkNode(node, `${path}[${index}]`, ids, issues);
}

async function checkNode(node: unknown, path: string, ids: Map<string, string>, issues: SchemaIssue[]) {
  if (typeof node !== "object" || node === null || Array.isArray(node)) {
    issues.push({ path, message: "expected a node: an object with id and one kind" });
    return;
  }
  const fields = node as Record<string, unknown>;
  const kinds = nodeKinds.filter((kind) => kind in fields);
  const unknown = Object.keys(fields).filter(
    (key) => key !== "id" && key !== "description" && !kinds.includes(key as NodeKind),
  );
  for (const key of unknown)
    issues.push({ path: `${path}.${key}`, message: `is not a node kind (${nodeKinds.join(", ")})` });
  if (typeof fields.id !== "string" || !nodeIdPattern.test(fields.id)) {
    issues.push({
      path: `${path}.id`,
      message: "expected letters, digits, _ or - (starting with a letter or _), at most 64",
    });
  } else if (ids.has(fields.id)) {
    issues.push({ path: `${path}.id`, message: `"${fields.id}" is already the id of ${ids.get(fields.id)}` });
  } else ids.set(fields.id, path);
  if (fields.description !== undefined && typeof fields.description !== "string") {
    issues.push({ path: `${path}.description`, message: "must be a string" });
  }
  if (kinds.length !== 1) {
    if (unknown.length === 0)
      issues.push({
        path,
        message:
          kinds.length === 0
            ? `has no kind (one of ${nodeKinds.join(", ")})`
            : `has several kinds (${kinds.join(", ")}): give it one`,
      });
    return;
  }
  const kind = kinds[0] as NodeKind;
  const bodyPath = `${path}.${kind}`;
  const body = fields[kind];
  const found = (await checkJsonSchema(shallowKindSchemas[kind], body)) ?? [];
  issues.push(...prefixed(found, bodyPath));
  if (typeof body !== "object" || body === null) return;
  await checkKind(kind, body as Record<string, unknown>, bodyPath, ids, issues);
}

async function checkKind(
  kind: NodeKind,
  body: Record<string, unknown>,
  path: string,
  ids: Map<string, string>,
  issues: SchemaIssue[],
) {
  checkDurations(body, path, ["timeout", "heartbeatTimeout", "duration", "reminder"], issues);
  checkRetry(body.retry, `${path}.retry`, issues);
  const secretsAllowed = kind === "http";
  const nested = new Set(["then", "else", "steps", "branches", "cases", "default", "compensate"]);
  for (const [key, value] of Object.entries(body)) {
    if (!nested.has(key))
      for (const found of findExpressions(value, `${path}.${key}`)) checkExpression(found, secretsAllowed, issues);
  }
  const list = async (value: unknown, at: string) => {
    if (Array.isArray(value)) await checkNodes(value, at, ids, issues);
  };
  switch (kind) {
    case "task":
      if (body.queue !== undefined && body.compensate !== undefined) {
        issues.push({ path: `${path}.compensate`, message: "a remote task (with queue) cannot have a compensation" });
      }
      if (body.queue === undefined && body.heartbeatTimeout !== undefined) {
        issues.push({ path: `${path}.heartbeatTimeout`, message: "only a remote task (with queue) has heartbeats" });
      }
      await checkCompensation(body.compensate, `${path}.compensate`, ids, issues);
      break;
    case "http":
      await checkCompensation(body.compensate, `${path}.compensate`, ids, issues);
      break;
    case "wait": {
      const modes = ["signal", "event", "duration", "until"].filter((key) => body[key] !== undefined);
      if (modes.length !== 1)
        issues.push({
          path,
          message: `needs exactly one of signal, event, duration or until${modes.length ? ` (has ${modes.join(", ")})` : ""}`,
        });
      if (body.match !== undefined && body.event === undefined)
        issues.push({ path: `${path}.match`, message: "only an event wait has a match" });
      if (body.timeout !== undefined && body.signal === undefined && body.event === undefined) {
        issues.push({ path: `${path}.timeout`, message: "only a signal or event wait has a timeout" });
      }
      if (typeof body.until === "string" && !isExpression(body.until) && Number.isNaN(Date.parse(body.until))) {
        issues.push({
          path: `${path}.until`,
          message: `${JSON.stringify(body.until)} is not an ISO 8601 time nor an expression`,
        });
      }
      break;
    }
    case "approval": {
      const onTimeout = body.onTimeout as { reassign?: Record<string, unknown> } | undefined;
      if (typeof onTimeout === "object" && onTimeout?.reassign)
        checkDurations(onTimeout.reassign, `${path}.onTimeout.reassign`, ["timeout"], issues);
      if (
        typeof body.form === "object" &&
        body.form !== null &&
        (await checkJsonSchema(body.form as never, null)) === undefined
      ) {
        issues.push({ path: `${path}.form`, message: "is not a JSON Schema that compiles" });
      }
      break;
    }
    case "parallel":
      if (Array.isArray(body.branches))
        for (const [i, branch] of body.branches.entries()) await list(branch, `${path}.branches[${i}]`);
      break;
    case "forEach":
      await list(body.steps, `${path}.steps`);
      break;
    case "if":
      await list(body.then, `${path}.then`);
      await list(body.else, `${path}.else`);
      break;
    case "switch":
      if (Array.isArray(body.cases)) {
        for (const [i, entry] of body.cases.entries()) {
          if (typeof entry !== "object" || entry === null) continue;
          const { when, steps } = entry as Record<string, unknown>;
          for (const found of findExpressions(when, `${path}.cases[${i}].when`)) checkExpression(found, false, issues);
          await list(steps, `${path}.cases[${i}].steps`);
        }
      }
      await list(body.default, `${path}.default`);
      break;
    case "child":
      if (typeof body.workflow === "string" && !workflowNamePattern.test(body.workflow)) {
        issues.push({ path: `${path}.workflow`, message: `${JSON.stringify(body.workflow)} is not a workflow name` });
      }
      break;
    default:
      break;
  }
}

async function checkCompensation(value: unknown, path: string, ids: Map<string, string>, issues: SchemaIssue[]) {
  if (value === undefined) return;
  issues.push(
    ...prefixed(
      (await checkJsonSchema({ $ref: "#/definitions/compensation", definitions: compensationSchema }, value)) ?? [],
      path,
    ),
  );
  if (typeof value !== "object" || value === null) return;
  const fields = value as Record<string, unknown>;
  if (typeof fields.id === "string") {
    if (ids.has(fields.id))
      issues.push({ path: `${path}.id`, message: `"${fields.id}" is already the id of ${ids.get(fields.id)}` });
    else ids.set(fields.id, path);
  }
  for (const kind of ["task", "http"] as const) {
    const body = fields[kind];
    if (typeof body !== "object" || body === null) continue;
    checkDurations(body as Record<string, unknown>, `${path}.${kind}`, ["timeout"], issues);
    checkRetry((body as Record<string, unknown>).retry, `${path}.${kind}.retry`, issues);
    for (const found of findExpressions(body, `${path}.${kind}`)) checkExpression(found, kind === "http", issues);
  }
}

function checkExpression(found: { path: string; expression: string }, secretsAllowed: boolean, issues: SchemaIssue[]) {
  try {
    compileExpression(found.expression);
  } catch (error) {
    const detail = error as { message?: string; position?: number };
    issues.push({
      path: found.path,
      message: `expression does not parse: ${detail.message ?? String(error)}${detail.position !== undefined ? ` (at character ${detail.position})` : ""}`,
    });
    return;
  }
  if (!secretsAllowed && readsSecrets(found.expression)) {
    issues.push({
      path: found.path,
      message: "$secrets can only be read in an http node (so that no secret is written to history)",
    });
  }
}

function checkDurations(body: Record<string, unknown>, path: string, keys: string[], issues: SchemaIssue[]) {
  for (const key of keys) {
    const value = body[key];
    if (value === undefined || (typeof value !== "string" && typeof value !== "number")) continue;
    try {
      toMilliseconds(value);
    } catch (error) {
      issues.push({ path: path ? `${path}.${key}` : key, message: (error as Error).message });
    }
  }
}

function checkRetry(value: unknown, path: string, issues: SchemaIssue[]) {
  if (typeof value !== "object" || value === null) return;
  try {
    resolveRetryPolicy(value as never);
  } catch (error) {
    issues.push({ path, message: (error as Error).message });
  }
}

/** The nodes of a document, depth first (branches, cases and loops included; compensations not). */
export function* walkNodes(nodes: DefinitionNode[]): Generator<DefinitionNode> {
  for (const node of nodes) {
    yield node;
    if ("parallel" in node) for (const branch of node.parallel.branches) yield* walkNodes(branch);
    if ("forEach" in node) yield* walkNodes(node.forEach.steps);
    if ("if" in node) {
      yield* walkNodes(node.if.then);
      yield* walkNodes(node.if.else ?? []);
    }
    if ("switch" in node) {
      for (const entry of node.switch.cases) yield* walkNodes(entry.steps);
      yield* walkNodes(node.switch.default ?? []);
    }
  }
}
