/**
 * Requests generated from the OpenAPI document: for every operation, path
 * parameters, query strings and bodies built from its schemas, mostly valid,
 * often broken (wrong types, missing fields, odd strings, extra keys,
 * truncated JSON, wrong content types, other tokens, methods a path does
 * not have). Seeded, so a failure
 * can be replayed with the seed it prints.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema nodes
type Schema = any;

/** A generated request. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A path segment; a lone surrogate becomes bytes that are not UTF-8 (which the server must survive too). */
function encodePathSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
}

/** A small seeded generator (mulberry32). */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof createRandom>;

const oddStrings = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u202e\ufeff",
  "\ud800",
  "😀".repeat(50),
  "x".repeat(5000),
  "../../etc/passwd",
  "%00",
  "<script>alert(1)</script>",
  "'; DROP TABLE runs; --",
  "__proto__",
  "constructor",
  "null",
  "1e309",
  "2026-13-45T99:99:99Z",
];
const oddNumbers = [0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e-300];

/** Builds the generator for a document; `pools` gives valid strings that make requests reach deep. */
export function createRequestGenerator(
  doc: Schema,
  random: Random,
  pools: { runIds: string[]; workflows: string[]; names: string[]; tokens: (string | null)[]; versions?: string[] },
) {
  const resolve = (schema: Schema): Schema =>
    schema?.$ref ? resolve(doc.components.schemas[String(schema.$ref).split("/").pop() as string]) : schema;

  const anyValue = (depth: number): unknown => {
    switch (random.int(depth > 3 ? 4 : 7)) {
      case 0:
        return null;
      case 1:
        return random.chance(0.5);
      case 2:
        return random.pick(oddNumbers);
      case 3:
        return random.pick(oddStrings);
      case 4:
        return Array.from({ length: random.int(4) }, () => anyValue(depth + 1));
      case 5:
        return JSON.parse(`{"__proto__": ${JSON.stringify(anyValue(depth + 1))}, "k": 1}`);
      default:
        return Object.fromEntries(
          Array.from({ length: random.int(4) }, () => [
            random.pick([...oddStrings, "name", "id"]),
            anyValue(depth + 1),
          ]),
        );
    }
  };

  const stringFor = (schema: Schema): string => {
    if (schema.enum) return random.pick(schema.enum);
    if (schema.format === "date-time") return random.pick([new Date().toISOString(), "2020-01-01T00:00:00Z"]);
    if (schema.pattern?.includes("ASCII") || schema.pattern?.includes("x21")) return random.pick(pools.runIds);
    if (schema.pattern?.includes("ms|s")) return random.pick(["250ms", "30s", "1h 30m", "2d"]);
    if (schema.pattern?.includes("A-Za-z0-9")) return random.pick(pools.workflows);
    if (schema.pattern) return random.pick(pools.names);
    return random.pick([...pools.names, ...pools.runIds]);
  };

  /** A value for `schema`: valid most of the time, anything at all otherwise. */
  const valueFor = (raw: Schema, depth = 0): unknown => {
    const schema = resolve(raw);
    if (!schema || random.chance(0.1) || depth > 5) return anyValue(depth);
    const options = schema.anyOf ?? schema.oneOf;
    if (options) return valueFor(random.pick(options), depth);
    const type = Array.isArray(schema.type) ? random.pick(schema.type) : schema.type;
    switch (type) {
      case "object": {
        const out: Record<string, unknown> = {};
        // A third of the objects hold their required fields only: the smallest valid request.
        const minimal = random.chance(0.3);
        for (const [key, property] of Object.entries(schema.properties ?? {})) {
          const required = (schema.required ?? []).includes(key);
          if (!(required ? random.chance(0.95) : !minimal && random.chance(0.5))) continue;
          // A workflow's version: one the server has, most of the time.
          out[key] =
            key === "version" && pools.versions && random.chance(0.8)
              ? random.pick(pools.versions)
              : valueFor(property, depth + 1);
        }
        if (random.chance(0.1)) out[random.pick(oddStrings)] = anyValue(depth + 1);
        return out;
      }
      case "array":
        return Array.from({ length: random.int(3) }, () => valueFor(schema.items, depth + 1));
      case "string":
        return random.chance(0.85) ? stringFor(schema) : random.pick(oddStrings);
      case "integer":
      case "number":
        return random.chance(0.8) ? random.int(schema.maximum ?? 5) : random.pick(oddNumbers);
      case "boolean":
        return random.chance(0.5);
      default:
        return anyValue(depth);
    }
  };

  const operations = Object.entries(doc.paths as Record<string, Record<string, Schema>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );

  const methodsOf = new Map<string, string[]>();
  for (const { path, method } of operations) methodsOf.set(path, [...(methodsOf.get(path) ?? []), method]);

  return (): FuzzRequest => {
    const { path, method, operation } = random.pick(operations);
    const parameters: Schema[] = operation.parameters ?? [];
    let url = path;
    const query = new URLSearchParams();
    for (const parameter of parameters) {
      const value = valueFor(parameter.schema);
      const text = typeof value === "string" ? value : JSON.stringify(value);
      if (parameter.in === "path") url = url.replace(`{${parameter.name}}`, encodePathSegment(text ?? ""));
      else if (parameter.in === "query" && random.chance(0.4)) query.set(parameter.name, text ?? "");
    }
    if (random.chance(0.05)) query.set(random.pick(oddStrings), random.pick(oddStrings));
    const headers: Record<string, string> = {};
    const token = random.chance(0.85) ? pools.tokens[0] : random.pick(pools.tokens);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    const bodySchema = operation.requestBody?.content?.["application/json"]?.schema;
    if (bodySchema || (method === "POST" && random.chance(0.2))) {
      body = JSON.stringify(bodySchema ? valueFor(bodySchema) : anyValue(0)) ?? "null";
      if (random.chance(0.05)) body = body.slice(0, random.int(body.length));
      headers["content-type"] = random.chance(0.92)
        ? "application/json"
        : random.pick(["text/plain", "application/xml", "application/json; charset=utf-8", "multipart/form-data", ""]);
    }
    const search = query.toString();
    // Now and then a method the path does not have (the answer must be 405 with Allow).
    if (random.chance(0.03)) {
      const others = ["GET", "POST", "PUT", "DELETE", "PATCH"].filter((m) => !(methodsOf.get(path) ?? []).includes(m));
      const other = random.pick(others);
      return {
        method: other,
        path: search ? `${url}?${search}` : url,
        headers,
        body: other === "GET" ? undefined : body,
      };
    }
    return { method, path: search ? `${url}?${search}` : url, headers, body };
  };
}
