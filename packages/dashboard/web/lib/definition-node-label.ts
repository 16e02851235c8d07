/**
 * What a definition's node is called in its graph: a short label from its
 * kind's main field (a task's name, an HTTP request's method and host and
 * path, a wait's signal...), and the short form of a value or expression.
 */
import type { DefinitionNode } from "../api/api-types.js";
import { previewJson } from "./format.js";

/** The kinds of definition node, in the order the schema lists them. */
export const definitionNodeKinds = [
  "task",
  "http",
  "wait",
  "approval",
  "parallel",
  "forEach",
  "if",
  "switch",
  "child",
  "fail",
  "succeed",
] as const;

/** One of `definitionNodeKinds`. */
export type DefinitionNodeKind = (typeof definitionNodeKinds)[number];

/** The kind of a node: its first kind key; `undefined` when it has none the dashboard knows. */
export function kindOf(node: DefinitionNode): DefinitionNodeKind | undefined {
  return definitionNodeKinds.find((kind) => kind in node);
}

/** Labels are cut to this many characters. */
const labelMax = 30;

/** Cuts `text` to `max` characters, ending with `…` when cut. */
export function cut(text: string, max = labelMax): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/**
 * A value in a few characters: an expression `{% $input.x > 1 %}` as
 * `$input.x > 1`, a string as it is, anything else as one line of JSON.
 */
export function shortValue(value: unknown, max = labelMax): string {
  if (typeof value === "string") {
    const expression = /^\s*\{%([\s\S]*)%\}\s*$/.exec(value);
    return cut((expression?.[1] ?? value).replace(/\s+/g, " ").trim(), max);
  }
  return previewJson(value, max);
}

/** `host/path` of a URL, or the short form of an expression or text that is not one. */
function shortUrl(url: string, max: number): string {
  if (!url.includes("{%")) {
    try {
      const parsed = new URL(url);
      return cut(`${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`, max);
    } catch {
      // Not an absolute URL: shown as written.
    }
  }
  return shortValue(url, max);
}

/** A node's label: what it does, in a few words. */
export function labelOf(node: DefinitionNode): string {
  if ("task" in node) return cut(node.task.name);
  if ("http" in node) {
    const method = node.http.method ?? "GET";
    return `${method} ${shortUrl(node.http.url, labelMax - method.length - 1)}`;
  }
  if ("wait" in node) {
    const wait = node.wait;
    if (wait.signal !== undefined) return cut(`signal ${wait.signal}`);
    if (wait.event !== undefined) return cut(`event ${wait.event}`);
    if (wait.duration !== undefined) return cut(`sleep ${wait.duration}`);
    if (wait.until !== undefined) return `until ${shortValue(wait.until, labelMax - 6)}`;
    return "wait";
  }
  if ("approval" in node) return cut(node.approval.title);
  if ("parallel" in node) return "parallel";
  if ("forEach" in node) return `for each ${shortValue(node.forEach.items, labelMax - 9)}`;
  if ("if" in node) return `if ${shortValue(node.if.condition, labelMax - 3)}`;
  if ("switch" in node) return "switch";
  if ("child" in node) return cut(`child ${node.child.workflow}`);
  if ("fail" in node) return cut(`fail: ${node.fail.code ?? node.fail.error}`);
  if ("succeed" in node) return "succeed";
  return (node as { id: string }).id;
}

/** A second line: the node's kind word and details a label leaves out (a task's queue, a parallel's branches...). */
export function kindDetailOf(node: DefinitionNode): string {
  if ("task" in node) return node.task.queue ? `task · ${node.task.queue}` : "task";
  if ("http" in node) return "http";
  if ("wait" in node) return "wait";
  if ("approval" in node) {
    const whom = node.approval.assignee ?? node.approval.role;
    return whom ? `approval · ${whom}` : "approval";
  }
  if ("parallel" in node) return `${node.parallel.branches.length} branches`;
  if ("forEach" in node) {
    const { concurrency } = node.forEach;
    return concurrency && concurrency > 1 ? `loop · ${concurrency} at once` : "loop";
  }
  if ("if" in node) return "decision";
  if ("switch" in node) return `decision · ${node.switch.cases.length} cases`;
  if ("child" in node) return "child run";
  if ("fail" in node) return "ends the run: failed";
  if ("succeed" in node) return "ends the run: completed";
  return "node";
}

/** A switch case's edge label: the short form of its `when`, or its number when that says nothing. */
export function caseLabel(when: unknown, index: number): string {
  const text = shortValue(when, 24);
  return text === "" ? `case ${index + 1}` : text;
}
