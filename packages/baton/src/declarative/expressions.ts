/**
 * Expressions of definitions: strings written wholly `{% ... %}` are JSONata
 * (the language Step Functions adopted): it reads JSON and computes JSON,
 * and cannot call anything but its own functions. `$now()`, `$millis()` and
 * `$random()` are replaced by replay-safe ones (the run's time and draws), so
 * an expression gives the same value when a run is executed again.
 */
import jsonata from "jsonata";

/** What expressions read. */
export interface ExpressionScope {
  input: unknown;
  steps: Record<string, unknown>;
  run: { id: string; workflow: string; version: string };
  item?: unknown;
  index?: number;
  /** A compensation's node output. */
  result?: unknown;
  /** Only in `http` nodes. */
  secrets?: Record<string, string>;
  /** Replay-safe time (epoch ms) and random number. */
  now(): number;
  random(): number;
}

type Compiled = ReturnType<typeof jsonata>;
const compiled = new Map<string, Compiled>();

/** True for a string written `{% ... %}`. */
export function isExpression(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("{%") && value.endsWith("%}") && value.length >= 4;
}

/** The compiled JSONata of an expression string (cached). @throws the parse error of JSONata. */
export function compileExpression(expression: string): Compiled {
  let found = compiled.get(expression);
  if (!found) {
    found = jsonata(expression.slice(2, -2));
    if (compiled.size >= 5000) compiled.clear();
    compiled.set(expression, found);
  }
  return found;
}

/** Every expression string in `value` (nested in objects and arrays), with its path under `path`. */
export function findExpressions(value: unknown, path: string): { path: string; expression: string }[] {
  const found: { path: string; expression: string }[] = [];
  const walk = (v: unknown, p: string) => {
    if (isExpression(v)) found.push({ path: p, expression: v });
    else if (Array.isArray(v)) for (const [i, item] of v.entries()) walk(item, `${p}[${i}]`);
    else if (typeof v === "object" && v !== null)
      for (const [key, item] of Object.entries(v)) walk(item, `${p}.${key}`);
  };
  walk(value, path);
  return found;
}

/** True when an expression reads `$secrets`. */
export const readsSecrets = (expression: string): boolean => /\$secrets\b/.test(expression);

/** A plain path into a variable (`$input.a.b`, `$steps.extract.rows`): read without JSONata when it meets no list. */
const simplePath = /^\s*\$(input|steps|item|index|run|result)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$/;
const unresolved = Symbol("unresolved");

/** The value of a plain path, or `unresolved` when JSONata must decide (a list on the way, or at the end: sequences). */
function readSimplePath(expression: string, scope: ExpressionScope): unknown {
  const match = simplePath.exec(expression.slice(2, -2));
  if (!match) return unresolved;
  let value = (scope as unknown as Record<string, unknown>)[match[1] as string];
  if (match[1] === "item" || match[1] === "index") {
    if (scope.index === undefined) return unresolved;
  }
  for (const key of (match[2] as string).split(".").slice(1)) {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) return unresolved;
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return Array.isArray(value) ? unresolved : value;
}

/** What JSONata gives, as JSON (its sequences become plain arrays, `undefined` stays). */
const toJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** Bindings of the JSONata variables and replay-safe functions of a scope. */
function bindingsOf(scope: ExpressionScope): Record<string, unknown> {
  const bindings: Record<string, unknown> = {
    input: scope.input,
    steps: scope.steps,
    run: scope.run,
    now: () => new Date(scope.now()).toISOString(),
    millis: () => scope.now(),
    random: () => scope.random(),
  };
  if (scope.item !== undefined || scope.index !== undefined) {
    bindings.item = scope.item;
    bindings.index = scope.index;
  }
  if (scope.secrets) bindings.secrets = scope.secrets;
  if (scope.result !== undefined) bindings.result = scope.result;
  return bindings;
}

/** A copy of a JSON value read from the scope (so that a handler changing its input changes nothing recorded). */
const copied = (value: unknown) => (typeof value === "object" && value !== null ? structuredClone(value) : value);

/**
 * The value of one expression string: at once for a plain path, else a promise of JSONata's.
 * @throws Error naming the expression when it fails (a type error, an undefined function).
 */
export function evaluateExpression(expression: string, scope: ExpressionScope): unknown {
  const direct = readSimplePath(expression, scope);
  if (direct !== unresolved) return copied(direct);
  let compiledExpression: Compiled;
  try {
    compiledExpression = compileExpression(expression);
  } catch (error) {
    return Promise.reject(failure(expression, error));
  }
  return compiledExpression.evaluate(scope.input, bindingsOf(scope)).then(toJson, (error: unknown) => {
    throw failure(expression, error);
  });
}

const failure = (expression: string, error: unknown) =>
  new Error(`expression ${expression} failed: ${(error as { message?: string }).message ?? String(error)}`);

/**
 * `value` with every expression in it (nested too) replaced by its value:
 * at once when no expression needs JSONata, else a promise. Object fields
 * whose expression gives nothing are left out.
 */
export function evaluateValue(value: unknown, scope: ExpressionScope): unknown {
  const pending: Promise<unknown>[] = [];
  const result = build(value, scope, pending);
  if (pending.length === 0) return result;
  return Promise.all(pending).then(() => result);
}

function build(value: unknown, scope: ExpressionScope, pending: Promise<unknown>[]): unknown {
  if (isExpression(value)) {
    const found = evaluateExpression(value, scope);
    if (!(found instanceof Promise)) return found;
    // A promise at the top: its value is the result.
    pending.push(found);
    return found;
  }
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    value.forEach((item, index) => {
      const built = build(item, scope, pending);
      if (built instanceof Promise) {
        pending.push(
          built.then((v) => {
            items[index] = v;
          }),
        );
      } else items[index] = built;
    });
    return items;
  }
  if (typeof value === "object" && value !== null) {
    const fields: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const built = build(item, scope, pending);
      if (built instanceof Promise) {
        fields[key] = undefined; // keeps the field's place
        pending.push(
          built.then((v) => {
            if (v === undefined) delete fields[key];
            else fields[key] = v;
          }),
        );
      } else if (built !== undefined) fields[key] = built;
    }
    return fields;
  }
  return value;
}
