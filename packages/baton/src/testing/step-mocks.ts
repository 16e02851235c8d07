import { BatonError } from "../errors.js";
import type { StepContext, Workflow, WorkflowContext } from "../workflow.js";

/**
 * A replacement body for a step in a test: called as the step's own
 * function would be, with the step's context.
 *
 * @example
 * const charge: StepMock = (step) => ({ chargeId: `c-${step.attempt}` });
 * engine.mockStep(order, "charge", charge);
 */
export type StepMock = (step: StepContext) => unknown;

/** Step mocks of a test engine, by `<workflow>/<step>`. */
export class StepMocks {
  private readonly mocks = new Map<string, StepMock>();

  constructor(private readonly workflows: ReadonlySet<string>) {}

  /**
   * Replaces the body of step `step` of workflow `workflow`; returns a
   * function that puts the real body back.
   * @throws BatonError `INVALID_STEP_MOCK` naming a workflow the engine does not have, or a mock that is not a function.
   */
  set(workflow: string, step: string, mock: StepMock): () => void {
    if (!this.workflows.has(workflow)) {
      const known = [...this.workflows].join(", ") || "none";
      throw new BatonError(
        "INVALID_STEP_MOCK",
        `cannot mock step "${step}" of workflow "${workflow}": the engine has no such workflow (registered: ${known})`,
      );
    }
    if (typeof mock !== "function") {
      throw new BatonError("INVALID_STEP_MOCK", `the mock of step "${workflow}/${step}" is not a function`);
    }
    const key = `${workflow}/${step}`;
    this.mocks.set(key, mock);
    return () => {
      if (this.mocks.get(key) === mock) this.mocks.delete(key);
    };
  }

  /**
   * Sets the mocks of `createTestEngine({ steps })`, keyed `"<workflow>/<step>"`.
   * @throws BatonError `INVALID_STEP_MOCK` naming a key without a `/`.
   */
  setAll(steps: Record<string, StepMock>): void {
    for (const [key, mock] of Object.entries(steps)) {
      const slash = key.indexOf("/");
      if (slash <= 0) {
        throw new BatonError("INVALID_STEP_MOCK", `invalid step mock key "${key}": expected "<workflow>/<step>"`);
      }
      this.set(key.slice(0, slash), key.slice(slash + 1), mock);
    }
  }

  /**
   * `workflow` with its steps' bodies replaced by the mocks set when each
   * step is called (the step is recorded in history as usual).
   */
  wrap<I, O>(workflow: Workflow<I, O>): Workflow<I, O> {
    const mocks = this.mocks;
    const fn = (ctx: WorkflowContext, input: I): Promise<O> => {
      const mocked: WorkflowContext = {
        ...ctx,
        step: (name, body, options) => {
          const mock = mocks.get(`${workflow.name}/${name}`);
          return ctx.step(name, (mock as typeof body | undefined) ?? body, options);
        },
      };
      return workflow.fn(mocked, input);
    };
    return Object.freeze({ ...workflow, fn });
  }
}
