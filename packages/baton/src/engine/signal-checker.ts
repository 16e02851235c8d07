import type { Clock } from "../clock.js";
import { ValidationError } from "../errors.js";
import { checkJsonSchema, checkStandardSchema } from "../schema-check.js";
import type { Store } from "../store/store.js";
import { declaresSignals, type Workflow } from "../workflow.js";

/** Checks signal payloads against the schemas their run's workflow declares, at send time. */
export interface SignalChecker {
  /**
   * Refuses `payload` when it fails the declared schema of signal `name` of
   * run `runId`'s workflow: the Standard Schema when this process has the
   * code of that version, else the JSON Schema a worker stored. Returns
   * undefined, having read nothing, while no known workflow declares signal
   * schemas (the store is asked again at most once a second until one does).
   * @throws ValidationError (`INVALID_INPUT`) naming each failing field (the promise rejects).
   */
  check(runId: string, name: string, payload: unknown): Promise<void> | undefined;
}

/** How long the store's answer "no registered workflow declares signal schemas" is trusted, in ms. */
const registryRecheckMs = 1000;

/** A checker for the signals an engine sends, with the workflows it has code for. */
export function createSignalChecker(store: Store, workflows: Map<string, Workflow>): SignalChecker {
  const local = [...workflows.values()].some(declaresSignals);
  let registered = false;
  let askedAt = Number.NEGATIVE_INFINITY;
  let asking: Promise<boolean> | undefined;
  /** Whether some known workflow declares signal schemas: a boolean when known now, else the read that tells. */
  const anyDeclared = (): boolean | Promise<boolean> => {
    if (local || registered) return true;
    if (asking) return asking;
    if (performance.now() - askedAt < registryRecheckMs) return false;
    askedAt = performance.now();
    asking = store.hasSignalSchemas().then(
      (found) => {
        asking = undefined;
        registered = found;
        return found;
      },
      (error) => {
        asking = undefined;
        throw error;
      },
    );
    return asking;
  };
  const checkRun = async (runId: string, name: string, payload: unknown): Promise<void> => {
    const target = await store.getSignalTarget(runId, name);
    if (!target) return; // sending reports the missing run
    const code = workflows.get(target.workflow);
    const declared = code?.version === target.version ? code.options.signals : undefined;
    const what = `payload of signal "${name}"`;
    if (declared && Object.hasOwn(declared, name)) {
      const result = await checkStandardSchema(declared[name] as NonNullable<(typeof declared)[string]>, payload);
      if (result.issues) throw new ValidationError(what, result.issues);
      return;
    }
    if (!target.schema) return;
    const issues = await checkJsonSchema(target.schema, payload);
    if (issues && issues.length > 0) throw new ValidationError(what, issues);
  };
  return {
    check(runId, name, payload) {
      const declared = anyDeclared();
      if (declared === false) return undefined;
      if (declared === true) return checkRun(runId, name, payload);
      return declared.then((found) => (found ? checkRun(runId, name, payload) : undefined));
    },
  };
}

/**
 * Sends signals through `checker`: a signal whose payload it refuses is not
 * sent; a checked signal to a run is sent once the signals called before it
 * to that run are stored, so they keep the order of the calls whatever their
 * checks take; with nothing to check, a signal goes straight to the store.
 */
export function createSignalSender(
  store: Store,
  clock: Clock,
  checker: SignalChecker,
): (runId: string, name: string, payload: unknown) => Promise<void> {
  /** The last signal of each run whose send waits for a check: the next one to that run is sent once it is stored. */
  const inCheck = new Map<string, Promise<void>>();
  return (runId, name, payload) => {
    const checked = checker.check(runId, name, payload);
    const before = inCheck.get(runId);
    if (!checked && !before) return store.sendSignal(runId, name, payload, clock.now());
    const sent = (async () => {
      await before;
      await checked;
      await store.sendSignal(runId, name, payload, clock.now());
    })();
    const settled = sent.then(
      () => {},
      () => {},
    );
    inCheck.set(runId, settled);
    void settled.then(() => {
      if (inCheck.get(runId) === settled) inCheck.delete(runId);
    });
    return sent;
  };
}
