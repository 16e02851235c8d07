/**
 * A run of a definition, node by node (the dashboard's overlay): the
 * definition's nodes are run again against the run's history, as a worker
 * would after a crash, but nothing is executed: every recorded outcome is
 * delivered, and each call the nodes make is noted with its position. What
 * the run's calls say at those positions gives each node's status.
 */
import type { HistoryRecord } from "../history-record.js";
import { createInertRuntime } from "../replay-history.js";
import { foldHistory } from "../runtime/history-state.js";
import type { WorkflowRuntime } from "../runtime/workflow-runtime.js";
import { type CallInfo, finishedStatuses, type RunStatus } from "../types.js";
import type { Workflow } from "../workflow.js";
import { walkNodes } from "./check-definition.js";
import type { Definition, DefinitionNode, NodeStatus, NodeTrace, RunGraph } from "./definition-types.js";
import { createDefinitionWorkflow } from "./definition-workflow.js";

/** What the trace reads of the run. */
export interface TracedRun {
  id: string;
  status: RunStatus;
  input: unknown;
  history: HistoryRecord[];
  /** The run's calls (`toSteps` of its history). */
  steps: CallInfo[];
}

const never = () => new Promise<never>(() => {});

/** Each node's part in `run`, a run of `definition`. */
export async function traceRunGraph(definition: Definition, run: TracedRun): Promise<RunGraph> {
  const entered = new Map<string, number>();
  const positions = new Map<string, number[]>();
  const decisions = new Map<string, Set<string>>();
  let runtime: WorkflowRuntime | undefined;
  const stub = (name: string): Workflow => ({ name, version: "", options: {}, fn: never });
  const workflow = createDefinitionWorkflow(
    definition,
    {
      tasks: new Map(),
      secrets: {},
      http: {},
      sendHttpRequest: never,
      childWorkflow: stub,
    },
    {
      enter: (id) => entered.set(id, (entered.get(id) ?? 0) + 1),
      call: (id) => {
        const list = positions.get(id) ?? [];
        list.push(runtime?.calls.length ?? 0);
        positions.set(id, list);
      },
      decide: (id, branch) => decisions.set(id, (decisions.get(id) ?? new Set()).add(branch)),
    },
  );
  const inert = createInertRuntime(workflow, { id: run.id, input: run.input }, foldHistory(run.history));
  runtime = inert.runtime;
  runtime.start();
  await inert.settled;
  const calls = new Map(run.steps.map((step) => [step.position, step]));
  const finished = finishedStatuses.includes(run.status);
  const failedRun = run.status === "failed" || run.status === "compensated" || run.status === "compensating";
  const nodes: Record<string, NodeTrace> = {};
  const statusOf = (node: DefinitionNode, skipped: boolean): NodeStatus => {
    const times = entered.get(node.id) ?? 0;
    if (times === 0) return skipped || finished ? "skipped" : "pending";
    const own = (positions.get(node.id) ?? []).map((position) => calls.get(position)?.status ?? "running");
    const inner = [...walkNodes(childrenOf(node))].map((child) => nodes[child.id]?.status);
    const all = [...own, ...inner];
    if ("fail" in node || all.includes("failed")) return "failed";
    if (all.includes("running")) return "running";
    if (all.includes("waiting")) return "waiting";
    if (own.length === 0 && !("succeed" in node) && !isControl(node) && failedRun) return "failed";
    return "completed";
  };
  const visit = (list: DefinitionNode[], skipped: boolean) => {
    for (const node of list) {
      const taken = decisions.get(node.id);
      if ("if" in node) {
        visit(node.if.then, skipped || (taken !== undefined && !taken.has("then")));
        visit(node.if.else ?? [], skipped || (taken !== undefined && !taken.has("else")));
      } else if ("switch" in node) {
        for (const [i, entry] of node.switch.cases.entries()) {
          visit(entry.steps, skipped || (taken !== undefined && !taken.has(String(i))));
        }
        visit(node.switch.default ?? [], skipped || (taken !== undefined && !taken.has("default")));
      } else {
        for (const branch of childLists(node)) visit(branch, skipped);
      }
      nodes[node.id] = {
        status: statusOf(node, skipped),
        positions: positions.get(node.id) ?? [],
        entered: entered.get(node.id) ?? 0,
      };
    }
  };
  visit(definition.document.steps, false);
  return { runId: run.id, name: definition.name, version: definition.version, document: definition.document, nodes };
}

const isControl = (node: DefinitionNode) => "parallel" in node || "forEach" in node || "if" in node || "switch" in node;

function childLists(node: DefinitionNode): DefinitionNode[][] {
  if ("parallel" in node) return node.parallel.branches;
  if ("forEach" in node) return [node.forEach.steps];
  if ("if" in node) return [node.if.then, node.if.else ?? []];
  if ("switch" in node) return [...node.switch.cases.map((entry) => entry.steps), node.switch.default ?? []];
  return [];
}

const childrenOf = (node: DefinitionNode): DefinitionNode[] => childLists(node).flat();
