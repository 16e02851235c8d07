/**
 * The graph of what a run actually did, built from its steps (not from its
 * code): steps in the order they ran; steps whose time spans overlap form a
 * parallel stage (fan-out from what came before, join into what comes
 * after); timers, signal and event waits, child runs, tasks and human
 * tasks are nodes of their own kinds; compensations follow in the order
 * they ran (the reverse of completion); the last node is the run's outcome.
 */
import type { CallInfo, HistoryEvent, Run } from "../api/api-types.js";
import { formatDuration, previewJson, toMillis } from "./format.js";
import { describeWhom, type HumanTaskCall, readHumanTaskCalls } from "./human-task-calls.js";

/** Kinds of graph nodes. */
export type GraphNodeKind =
  | "start"
  | "end"
  | "step"
  | "timer"
  | "signal"
  | "event"
  | "child"
  | "task"
  | "human_task"
  | "compensation"
  | "join";

/** A node of the run graph, without a place (see `layoutRunGraph`). */
export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** A second line: position, status, duration, payload... */
  detail?: string;
  status?: string;
  /** Position of the step this node stands for. */
  position?: number;
  /** Run id of a child node. */
  childId?: string;
}

/** An edge: `flow` between steps, `compensation` along the undo chain. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: "flow" | "compensation";
}

/** Nodes and edges of a run graph. */
export interface RunGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const endOf = (step: CallInfo) => toMillis(step.finishedAt) ?? Number.POSITIVE_INFINITY;

/**
 * Groups steps (in position order) into stages: a step that starts before
 * every step of the current stage has finished runs in parallel with it.
 */
export function groupParallelSteps(steps: readonly CallInfo[]): CallInfo[][] {
  const stages: CallInfo[][] = [];
  let current: CallInfo[] = [];
  let currentEnd = Number.NEGATIVE_INFINITY;
  for (const step of [...steps].sort((a, b) => a.position - b.position)) {
    const start = toMillis(step.startedAt) ?? Number.POSITIVE_INFINITY;
    if (current.length > 0 && start < currentEnd) {
      current.push(step);
      currentEnd = Math.max(currentEnd, endOf(step));
    } else {
      if (current.length > 0) stages.push(current);
      current = [step];
      currentEnd = endOf(step);
    }
  }
  if (current.length > 0) stages.push(current);
  return stages;
}

function describeStep(
  step: CallInfo,
  history: readonly HistoryEvent[],
  humanTaskCalls: ReadonlyMap<number, HumanTaskCall>,
): Pick<GraphNode, "label" | "detail"> {
  const took = step.finishedAt
    ? `, ${formatDuration((toMillis(step.finishedAt) ?? 0) - (toMillis(step.startedAt) ?? 0))}`
    : "";
  const head = `#${step.position} ${step.status}${took}`;
  if (step.kind === "signal" || step.kind === "event") {
    const received = history.find((e) => e.type === `${step.kind}.received` && e.position === step.position);
    const payload = received ? ` · got ${previewJson(received.payload, 40)}` : "";
    return { label: `${step.kind} ${step.name}`, detail: `${head}${payload}` };
  }
  if (step.kind === "timer") return { label: step.name === "sleep" ? "timer" : `timer ${step.name}`, detail: head };
  if (step.kind === "child") return { label: `child ${step.name}`, detail: `${head} ${step.childId ?? ""}`.trim() };
  const attempts = step.attempts.length > 1 ? `, ${step.attempts.length} attempts` : "";
  if (step.kind === "task") {
    return { label: `task ${step.name}`, detail: `${head}${attempts}${step.queue ? ` · ${step.queue}` : ""}` };
  }
  if (step.kind === "human_task") {
    const call = humanTaskCalls.get(step.position);
    const answer = call?.answer ? ` · ${call.answer.outcome} by ${call.answer.completedBy ?? "?"}` : "";
    const whom = call && !call.answer && !call.timedOut ? ` · for ${describeWhom(call)}` : "";
    return {
      label: `human task ${step.name}`,
      detail: `${head}${answer}${whom}${call?.timedOut ? " · no answer" : ""}`,
    };
  }
  return { label: step.name, detail: `${head}${attempts}` };
}

/** Builds the graph of what `run` did; `history` adds received payloads to wait nodes. */
export function buildRunGraph(
  run: Pick<Run, "status" | "workflow" | "steps">,
  history: readonly HistoryEvent[] = [],
): RunGraph {
  const nodes: GraphNode[] = [{ id: "start", kind: "start", label: run.workflow, detail: "started" }];
  const edges: GraphEdge[] = [];
  const link = (source: string, target: string, kind: GraphEdge["kind"] = "flow") =>
    edges.push({ id: `${source}->${target}`, source, target, kind });
  const humanTaskCalls = run.steps.some((step) => step.kind === "human_task")
    ? readHumanTaskCalls("", history)
    : new Map<number, HumanTaskCall>();
  let previous = ["start"];
  for (const [index, stage] of groupParallelSteps(run.steps).entries()) {
    if (previous.length > 1 && stage.length > 1) {
      const join = `join-${index}`;
      nodes.push({ id: join, kind: "join", label: "join" });
      for (const source of previous) link(source, join);
      previous = [join];
    }
    const ids: string[] = [];
    for (const step of stage) {
      const id = `step-${step.position}`;
      nodes.push({
        id,
        kind: step.kind,
        status: step.status,
        position: step.position,
        ...(step.childId ? { childId: step.childId } : {}),
        ...describeStep(step, history, humanTaskCalls),
      });
      for (const source of previous) link(source, id);
      ids.push(id);
    }
    previous = ids;
  }
  const compensations = run.steps
    .filter((step) => step.compensation)
    .sort(
      (a, b) =>
        (toMillis(a.compensation?.attempts[0]?.startedAt) ?? Number.POSITIVE_INFINITY) -
          (toMillis(b.compensation?.attempts[0]?.startedAt) ?? Number.POSITIVE_INFINITY) || b.position - a.position,
    );
  for (const step of compensations) {
    const id = `compensation-${step.position}`;
    const attempts = step.compensation?.attempts.length ?? 0;
    nodes.push({
      id,
      kind: "compensation",
      status: step.compensation?.status,
      position: step.position,
      label: `undo ${step.name}`,
      detail: `${step.compensation?.status ?? ""}${attempts > 1 ? `, ${attempts} attempts` : ""}`,
    });
    for (const source of previous) link(source, id, "compensation");
    previous = [id];
  }
  nodes.push({ id: "end", kind: "end", status: run.status, label: run.status });
  for (const source of previous) link(source, "end", compensations.length > 0 ? "compensation" : "flow");
  return { nodes, edges };
}
