/**
 * Checks real answers against the OpenAPI document, the way Schemathesis'
 * response checks do: the status is one the operation declares, the content
 * type is the declared one, and the body is valid against the declared schema
 * (JSON Schema 2020-12, `#/components/schemas` refs resolved, formats checked).
 * A server-sent event stream is read message by message, each message checked
 * against the schema of its `event:` name.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema nodes
type Schema = any;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const base = "urn:baton:openapi";

/** The operation of a method and concrete path, with its path template (`/api/runs/{id}`). */
export interface OperationMatch {
  template: string;
  operation?: Schema;
  /** Methods the path has, upper case, when it has any. */
  methods: string[];
}

/**
 * A JSON Schema validator for the document's schemas. With `closed`, an
 * object may hold no property its schema does not name (what a client
 * generated from the document would drop), as if every object schema said
 * `unevaluatedProperties: false`.
 */
export function createSchemaValidator(doc: Schema, options: { closed?: boolean } = {}) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const open = `${base}:open`;
  /** Refs to the document become absolute; with `closed`, objects are closed (see above). */
  const rewrite = (node: Schema, target = base, close = options.closed ?? false): Schema => {
    if (Array.isArray(node)) return node.map((item) => rewrite(item, target, close));
    if (node === null || typeof node !== "object") return node;
    const out: Schema = {};
    if (close && (node.properties || node.allOf) && node.additionalProperties === undefined) {
      out.unevaluatedProperties = false;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/")) out[key] = `${target}${value}`;
      // The parts of an allOf stay open: the whole, closed above, sees the properties of all of them.
      else if (key === "allOf") out[key] = (value as Schema[]).map((part) => rewritePart(part));
      else out[key] = rewrite(value, target, close);
    }
    return out;
  };
  const rewritePart = (part: Schema): Schema => {
    if (part?.$ref) return { $ref: `${open}${part.$ref}` };
    const { unevaluatedProperties: _, ...rest } = rewrite(part);
    return rest;
  };
  const schemas = doc.components?.schemas ?? {};
  ajv.addSchema({ $id: base, components: { schemas: rewrite(schemas) } });
  ajv.addSchema({ $id: open, components: { schemas: rewrite(schemas, base, false) } });
  const cache = new Map<Schema, ReturnType<Ajv2020["compile"]>>();
  /** The errors of `value` against `schema` (a schema of the document), or an empty list. */
  return (schema: Schema, value: unknown): string[] => {
    let validate = cache.get(schema);
    if (!validate) {
      validate = ajv.compile(rewrite(schema));
      cache.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
  };
}

/** Finds the operation for a request. */
export function findOperation(doc: Schema, method: string, path: string): OperationMatch | undefined {
  const bare = path.split("?")[0] as string;
  for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (!pattern.test(bare)) continue;
    const methods = Object.keys(item).map((m) => m.toUpperCase());
    const lookup = method === "HEAD" ? "get" : method.toLowerCase();
    return { template, operation: item[lookup], methods };
  }
  return undefined;
}

/** Splits a server-sent event stream into messages (`event`, `id`, `data`); comments are dropped. */
export function parseEventStream(text: string): { event: string; id?: string; data: string }[] {
  const messages: { event: string; id?: string; data: string }[] = [];
  for (const block of text.split(/\n\n/)) {
    const fields: Record<string, string[]> = {};
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      const values = fields[name] ?? [];
      values.push(value);
      fields[name] = values;
    }
    if (!fields.data) continue;
    messages.push({ event: fields.event?.[0] ?? "message", id: fields.id?.[0], data: fields.data.join("\n") });
  }
  return messages;
}

/**
 * Reads a response and returns what does not conform to the document (an
 * empty list when it all does). An event stream is read until it ends, or
 * only its first message when `firstMessageOnly` (a run that does not end).
 */
export function createResponseChecker(doc: Schema, options: { closed?: boolean } = {}) {
  const validate = createSchemaValidator(doc, options);
  return async (
    method: string,
    path: string,
    response: Response,
    options: { firstMessageOnly?: boolean } = {},
  ): Promise<string[]> => {
    const where = `${method} ${path} → ${response.status}`;
    const match = findOperation(doc, method, path);
    const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (!match?.operation) {
      // Outside the document: only an error answer of the error schema is right.
      const body = await response.text();
      const problems: string[] = [];
      if (match && response.status !== 405) problems.push(`${where}: a known path with another method must answer 405`);
      if (match && response.status === 405 && !response.headers.get("allow"))
        problems.push(`${where}: no Allow header`);
      if (type !== "application/json") return [...problems, `${where}: content type ${type}`];
      const errors = validate({ $ref: "#/components/schemas/Error" }, JSON.parse(body));
      return [...problems, ...errors.map((e) => `${where}: ${e}`)];
    }
    const declared = match.operation.responses?.[String(response.status)];
    if (!declared) {
      const text = type === "text/event-stream" ? "" : await response.text();
      if (type === "text/event-stream") await response.body?.cancel();
      const statuses = Object.keys(match.operation.responses ?? {}).join(", ");
      return [`${where}: status not declared (declared: ${statuses}): ${text.slice(0, 300)}`];
    }
    const content = declared.content as Record<string, Schema> | undefined;
    if (!content) {
      const body = await response.text();
      return body === "" ? [] : [`${where}: a body where none is declared`];
    }
    const media = content[type];
    if (!media) {
      await response.body?.cancel();
      return [`${where}: content type "${type}" not declared (${Object.keys(content).join(", ")})`];
    }
    if (method === "HEAD") return [];
    if (type === "text/event-stream") return checkStream(where, media, response, options.firstMessageOnly ?? false);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${where}: not JSON: ${text.slice(0, 200)}`];
    }
    return validate(media.schema, body).map((e) => `${where}: ${e} in ${text.slice(0, 300)}`);
  };

  async function checkStream(where: string, media: Schema, response: Response, firstOnly: boolean) {
    const items = media["x-itemSchema"];
    if (!items) {
      await response.body?.cancel();
      return [`${where}: the stream's messages have no schema (x-itemSchema)`];
    }
    let text = "";
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (firstOnly && parseEventStream(text).length > 0 && text.endsWith("\n\n")) {
        await reader.cancel();
        break;
      }
    }
    const problems: string[] = [];
    for (const message of parseEventStream(text)) {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        problems.push(`${where}: message data is not JSON: ${message.data}`);
        continue;
      }
      const errors = validate(items, { ...message, data });
      problems.push(...errors.map((e) => `${where}: message ${message.event}: ${e}`));
    }
    return problems;
  }
}

/**
 * Whether a request is one the document allows (path and query parameters,
 * body and its content type), with the reason when it is not; undefined for
 * a request outside the document. Tokens are not judged.
 */
export function createRequestJudge(doc: Schema) {
  const validate = createSchemaValidator(doc);
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return (request: { method: string; path: string; headers: Record<string, string>; body?: string }) => {
    const match = findOperation(doc, request.method, request.path);
    if (!match?.operation) return undefined;
    const [bare, search = ""] = request.path.split("?") as [string, string?];
    const names = [...match.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    const values = new RegExp(`^${match.template.replace(/\{[^}]+\}/g, "([^/]+)")}$`).exec(bare)?.slice(1) ?? [];
    const query = new URLSearchParams(search);
    for (const parameter of (match.operation.parameters ?? []) as Schema[]) {
      let text: string | null;
      if (parameter.in === "path") text = decode(values[names.indexOf(parameter.name)] ?? "");
      else if (parameter.in === "query") text = query.get(parameter.name);
      else continue;
      if (text === null) {
        if (parameter.required) return { ok: false, reason: `${parameter.name} is missing` };
        continue;
      }
      const integer = parameter.schema.type === "integer";
      if (integer && !/^-?[0-9]+$/.test(text)) return { ok: false, reason: `${parameter.name} is not an integer` };
      if (validate(parameter.schema, integer ? Number(text) : text).length > 0) {
        return { ok: false, reason: `${parameter.name} ${JSON.stringify(text)} is refused by its schema` };
      }
    }
    const declared = match.operation.requestBody;
    const hasBody = request.body !== undefined && request.body !== "";
    if (!declared) return { ok: !hasBody, reason: "a body where none is declared" };
    const type = request.headers["content-type"];
    if (type !== undefined && !/^application\/json\s*(;.*)?$/i.test(type)) {
      return { ok: false, reason: `content type ${type}` };
    }
    if (!hasBody) return { ok: !declared.required, reason: "no body" };
    if (type === undefined) return { ok: false, reason: "a body without a content type" };
    let body: unknown;
    try {
      body = JSON.parse(request.body as string);
    } catch {
      return { ok: false, reason: "the body is not JSON" };
    }
    const errors = validate(declared.content["application/json"].schema, body);
    return errors.length > 0 ? { ok: false, reason: errors.join("; ") } : { ok: true, reason: "" };
  };
}
