/**
 * Runs a definition's nodes through a workflow context: each node makes the
 * durable calls of its kind, so a declarative run has the same history,
 * retries, compensation, waits and children as a code workflow.
 *
 * Invariants:
 * - Everything outside a step's function is deterministic: expressions read
 *   the input, recorded outputs and the context's replay-safe time and
 *   random numbers, and nothing else waits on I/O, so re-execution issues
 *   the same calls at the same positions.
 * - Secrets are read only inside the function of an `http` node's step; the
 *   step records the response, never the request.
 */
import { toMilliseconds } from "../duration.js";
import { BatonError, FatalError } from "../errors.js";
import type { Workflow, WorkflowContext } from "../workflow.js";
import type { TaskDefinition } from "./define-task.js";
import type {
  CompensationNode,
  DefinitionDocument,
  DefinitionNode,
  ForEachNode,
  HttpNode,
  TaskNode,
  WaitNode,
} from "./definition-types.js";
import { type ExpressionScope, evaluateValue } from "./expressions.js";
import type { HttpRequestOptions, HttpRequestSpec, HttpResponse } from "./http-request-types.js";

/** What the runner needs of the engine. */
export interface NodeRunnerDeps {
  /** Task handlers by name (`defineTask`). */
  tasks: ReadonlyMap<string, TaskDefinition>;
  /** Secrets `http` nodes may read as `$secrets.NAME`. */
  secrets: Readonly<Record<string, string>>;
  /** Options of outbound requests (the address allowlist). */
  http: Omit<HttpRequestOptions, "signal" | "secrets">;
  /** Sends a request (`sendHttpRequest`). */
  sendHttpRequest(spec: HttpRequestSpec, options: HttpRequestOptions): Promise<HttpResponse>;
  /** The workflow a `child` node starts: a code workflow, or a definition's latest version. */
  childWorkflow(name: string): Workflow | undefined;
}

/** What tracing a run learns, node by node (see `traceRunGraph`). */
export interface NodeHooks {
  /** A node is entered (before its expressions are evaluated). */
  enter(id: string): void;
  /** A node is about to make a durable call. */
  call(id: string): void;
  /** An `if` or `switch` node took a branch: `then`, `else`, a case's index, or `default`. */
  decide(id: string, branch: string): void;
}

/** Thrown by a `succeed` node: ends the run with an output. */
class Succeeded {
  constructor(readonly output: unknown) {}
}

/** Largest list a `forEach` takes. */
const maxItems = 10_000;

/** One branch's view of the outputs so far. */
interface Frame {
  steps: Record<string, unknown>;
  item?: unknown;
  index?: number;
}

/** Truth of a condition: JSON's, with an empty list false. */
const truthy = (value: unknown) => (Array.isArray(value) ? value.length > 0 : Boolean(value));

/** Runs one definition's nodes for one run. */
export class NodeRunner {
  constructor(
    private readonly ctx: WorkflowContext,
    private readonly document: DefinitionDocument,
    private readonly input: unknown,
    private readonly deps: NodeRunnerDeps,
    private readonly hooks?: NodeHooks,
  ) {}

  /** Runs the document and gives the run's output. */
  async run(): Promise<unknown> {
    const frame: Frame = { steps: {} };
    try {
      const last = await this.runNodes(this.document.steps, frame);
      return this.document.output === undefined ? last : await evaluateValue(this.document.output, this.scope(frame));
    } catch (error) {
      if (error instanceof Succeeded) return error.output;
      throw error;
    }
  }

  private scope(frame: Frame, inStep?: { now: number }): ExpressionScope {
    const { ctx } = this;
    return {
      input: this.input,
      steps: frame.steps,
      run: { id: ctx.runId, workflow: ctx.workflow, version: String(this.document.version ?? "") },
      ...(frame.index !== undefined ? { item: frame.item, index: frame.index } : {}),
      // Inside a step's function the context's draws are not replay-safe (the step's result is recorded instead).
      now: inStep ? () => inStep.now : () => ctx.now().getTime(),
      random: inStep ? Math.random : () => ctx.random(),
    };
  }

  private evaluate(value: unknown, frame: Frame): unknown {
    return evaluateValue(value, this.scope(frame));
  }

  private async runNodes(nodes: DefinitionNode[], frame: Frame): Promise<unknown> {
    let last: unknown = null;
    for (const node of nodes) {
      last = await this.runNode(node, frame);
      frame.steps[node.id] = last;
    }
    return last;
  }

  private async runNode(node: DefinitionNode, frame: Frame): Promise<unknown> {
    this.hooks?.enter(node.id);
    const { ctx } = this;
    if ("task" in node) return this.runTask(node.id, node.task, frame);
    if ("http" in node) return this.runHttp(node.id, node.http, frame);
    if ("wait" in node) return this.runWait(node.id, node.wait, frame);
    if ("approval" in node) {
      const { title, description, assignee, role, context, form, timeout, reminder, onTimeout } = node.approval;
      const values = (await this.evaluate({ title, description, assignee, role, context }, frame)) as Record<
        string,
        unknown
      >;
      this.hooks?.call(node.id);
      const answer = await ctx.humanTask(node.id, {
        ...values,
        title: String(values.title),
        ...(form ? { form } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
        ...(reminder !== undefined ? { reminder } : {}),
        ...(onTimeout !== undefined ? { onTimeout } : {}),
      } as Parameters<WorkflowContext["humanTask"]>[1]);
      return answer ?? null;
    }
    if ("parallel" in node) {
      const frames = node.parallel.branches.map(() => ({ ...frame, steps: { ...frame.steps } }));
      const outputs = await Promise.all(
        node.parallel.branches.map((branch, i) => this.runNodes(branch, frames[i] as Frame)),
      );
      for (const branch of frames) Object.assign(frame.steps, branch.steps);
      return outputs;
    }
    if ("forEach" in node) return this.runForEach(node.id, node.forEach, frame);
    if ("if" in node) {
      const then = truthy(await this.evaluate(node.if.condition, frame));
      this.hooks?.decide(node.id, then ? "then" : "else");
      return this.runNodes(then ? node.if.then : (node.if.else ?? []), frame);
    }
    if ("switch" in node) {
      for (const [index, entry] of node.switch.cases.entries()) {
        if (!truthy(await this.evaluate(entry.when, frame))) continue;
        this.hooks?.decide(node.id, String(index));
        return this.runNodes(entry.steps, frame);
      }
      this.hooks?.decide(node.id, "default");
      return this.runNodes(node.switch.default ?? [], frame);
    }
    if ("child" in node) {
      const workflow = this.deps.childWorkflow(node.child.workflow);
      if (!workflow) {
        throw new BatonError("UNKNOWN_WORKFLOW", `node "${node.id}" starts unknown workflow "${node.child.workflow}"`);
      }
      const input = await this.evaluate(node.child.input, frame);
      this.hooks?.call(node.id);
      return (await ctx.child(workflow, input)) ?? null;
    }
    if ("fail" in node) {
      const message = await this.evaluate(node.fail.error, frame);
      throw new BatonError(node.fail.code ?? "FAILED", typeof message === "string" ? message : JSON.stringify(message));
    }
    if ("succeed" in node) {
      const output = node.succeed.output === undefined ? null : await this.evaluate(node.succeed.output, frame);
      throw new Succeeded(output);
    }
    throw new BatonError("INVALID_DEFINITION", `node "${(node as DefinitionNode).id}" has no kind`);
  }

  private async runTask(id: string, task: TaskNode, frame: Frame): Promise<unknown> {
    const input = await this.evaluate(task.input, frame);
    const { retry, timeout } = task;
    this.hooks?.call(id);
    if (task.queue !== undefined) {
      const { heartbeatTimeout, queue } = task;
      const output = await this.ctx.task(task.name, input, {
        queue,
        ...(timeout !== undefined ? { timeout } : {}),
        ...(heartbeatTimeout !== undefined ? { heartbeatTimeout } : {}),
        ...(retry ? { retry } : {}),
      });
      return output ?? null;
    }
    const output = await this.ctx.step(id, (step) => this.callHandler(id, task.name, input, step), {
      ...(retry ? { retry } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
      ...(task.compensate ? { compensate: this.compensation(task.compensate, frame) } : {}),
    });
    return output ?? null;
  }

  private callHandler(id: string, name: string, input: unknown, step: Parameters<TaskDefinition["fn"]>[1]) {
    const handler = this.deps.tasks.get(name);
    if (!handler) {
      throw new FatalError(
        `node "${id}" calls task "${name}", but no task handler of that name is registered (defineTask, and createEngine's tasks)`,
      );
    }
    return handler.fn(input, step);
  }

  private async runHttp(id: string, http: HttpNode, frame: Frame): Promise<unknown> {
    const now = this.ctx.now().getTime();
    const base = { ...frame, steps: { ...frame.steps } };
    this.hooks?.call(id);
    const output = await this.ctx.step(id, (step) => this.sendRequest(http, base, now, step.signal), {
      ...(http.retry ? { retry: http.retry } : {}),
      ...(http.compensate ? { compensate: this.compensation(http.compensate, frame) } : {}),
    });
    return output ?? null;
  }

  /** Evaluates an `http` node's request (secrets included) and sends it: inside a step's function only. */
  private async sendRequest(http: HttpNode, frame: Frame, now: number, signal?: AbortSignal, result?: unknown) {
    const scope = {
      ...this.scope(frame, { now }),
      secrets: this.deps.secrets,
      ...(result !== undefined ? { result } : {}),
    };
    const { url, headers, query, body } = (await evaluateValue(
      { url: http.url, headers: http.headers, query: http.query, body: http.body },
      scope,
    )) as Pick<HttpRequestSpec, "url" | "headers" | "query" | "body">;
    const spec: HttpRequestSpec = {
      method: http.method ?? "GET",
      url: String(url),
      ...(headers ? { headers } : {}),
      ...(query ? { query } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(http.expect ? { expect: http.expect } : {}),
      ...(http.maxResponseBytes ? { maxResponseBytes: http.maxResponseBytes } : {}),
      timeoutMs: http.timeout === undefined ? 30_000 : toMilliseconds(http.timeout),
    };
    const secrets = Object.values(this.deps.secrets).filter((value) => value.length > 0);
    return this.deps.sendHttpRequest(spec, { ...this.deps.http, secrets, ...(signal ? { signal } : {}) });
  }

  /** The undo of a node: a handler or a request, whose expressions read the node's output as `$result`. */
  private compensation(node: CompensationNode, frame: Frame): (result: unknown) => Promise<unknown> {
    const base = { ...frame, steps: { ...frame.steps } };
    const now = this.ctx.now().getTime();
    return async (result) => {
      if ("http" in node) return this.sendRequest(node.http, base, now, undefined, result ?? null);
      const input = await evaluateValue(node.task.input, { ...this.scope(base, { now }), result: result ?? null });
      const handler = this.deps.tasks.get(node.task.name);
      if (!handler)
        throw new FatalError(`compensation calls task "${node.task.name}", but no such task handler is registered`);
      return handler.fn(input, { key: this.ctx.stepKey(), attempt: 1, signal: new AbortController().signal });
    };
  }

  private async runWait(id: string, wait: WaitNode, frame: Frame): Promise<unknown> {
    const { ctx } = this;
    if (wait.signal !== undefined) {
      this.hooks?.call(id);
      return (
        (await ctx.waitForSignal(wait.signal, wait.timeout === undefined ? {} : { timeout: wait.timeout })) ?? null
      );
    }
    if (wait.event !== undefined) {
      const match =
        wait.match === undefined ? undefined : ((await this.evaluate(wait.match, frame)) as WaitNode["match"]);
      this.hooks?.call(id);
      return (
        (await ctx.waitForEvent(wait.event, {
          ...(match ? { match } : {}),
          ...(wait.timeout !== undefined ? { timeout: wait.timeout } : {}),
        })) ?? null
      );
    }
    if (wait.duration !== undefined) {
      this.hooks?.call(id);
      await ctx.sleep(wait.duration);
      return null;
    }
    const until = await this.evaluate(wait.until, frame);
    const at = typeof until === "number" ? until : Date.parse(String(until));
    if (!Number.isFinite(at)) {
      throw new BatonError("INVALID_TIME", `node "${id}" waits until ${JSON.stringify(until)}, which is not a time`);
    }
    this.hooks?.call(id);
    await ctx.sleepUntil(at);
    return null;
  }

  private async runForEach(id: string, forEach: ForEachNode, frame: Frame) {
    const items = await this.evaluate(forEach.items, frame);
    if (!Array.isArray(items)) {
      throw new BatonError(
        "INVALID_ITEMS",
        `node "${id}" iterates over ${JSON.stringify(items)?.slice(0, 200)}, which is not a list`,
      );
    }
    if (items.length > maxItems) {
      throw new BatonError("INVALID_ITEMS", `node "${id}" iterates over ${items.length} items, more than ${maxItems}`);
    }
    const outputs: unknown[] = new Array(items.length).fill(null);
    let next = 0;
    const lane = async () => {
      while (next < items.length) {
        const index = next++;
        const iteration: Frame = { steps: { ...frame.steps }, item: items[index], index };
        outputs[index] = await this.runNodes(forEach.steps, iteration);
      }
    };
    const lanes = Math.min(forEach.concurrency ?? 1, Math.max(items.length, 1));
    await Promise.all(Array.from({ length: lanes }, lane));
    return outputs;
  }
}
