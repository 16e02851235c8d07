/**
 * Crash test with real processes. A child process runs an engine on one
 * SQLite file and executes runs of a workflow with 11 steps (parallel
 * branches included), a sleep and a signal wait; the test kills it with
 * SIGKILL at random moments, starts a new one each time, and lets a last one
 * finish every run. The test process sends the signals through an engine it
 * never starts (a client). Then it checks every run's output and history, the
 * integrity of the SQLite file, and, against a ledger written by the step
 * bodies themselves, that no completed step ever ran again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { createEngine, type Engine, isFinished } from "baton";
import {
  approvalOf,
  callsByPosition,
  expectedOutput,
  expectedStepValues,
  runIdOf,
  runNumberOf,
  type StepResult,
  signalName,
  signalPosition,
  sleepPosition,
  stepNames,
  workflowName,
} from "./crash/workflow.js";
import { tempDir } from "./helpers.js";
import {
  integrityCheck,
  killAllWorkers,
  killWorker,
  type LedgerRow,
  ledgerFiles,
  readLedgers,
  spawnWorker,
  type WorkerProcess,
  waitForRuns,
} from "./process-harness.js";

const runCount = 200;
/** Kills that must land while runs are unfinished; more kills are made (up to `maxKills`) until they have. */
const landedKills = 20;
const maxKills = 30;
/** New runs each generation starts, so that every killed generation has fresh work as well as recovered work. */
const runsPerGeneration = Math.ceil(runCount / landedKills);
/** A kill comes this long after the child reports its engine started. */
const killDelayMs = { min: 100, max: 1500 };
/** How long the last process gets to finish every run. */
const finishTimeoutMs = 60_000;

const workerScript = fileURLToPath(new URL("./crash/worker-process.ts", import.meta.url));

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

after(killAllWorkers);

/** Spawns generation `generation` of `crash/worker-process.ts`, starting runs 0 to `runs` - 1. */
const spawnGeneration = (dir: string, generation: number, runs: number) =>
  spawnWorker(workerScript, [dir, String(generation), String(runs)], generation);

/** How many runs a process reported created, once all its starts returned (0 if it did not live to report). */
const createdBy = (worker: WorkerProcess) =>
  (worker.reports.find((message) => message.event === "started")?.created as number | undefined) ?? 0;

/**
 * Sends each run its signal exactly once, through a client engine: runs with
 * a number divisible by 3 as soon as they exist (before they wait), the others
 * once their history shows them waiting for it. A send counts only once it
 * returned; a send that threw is tried again on the next pass.
 */
class Signaller {
  readonly sent = new Set<string>();
  early = 0;
  onWait = 0;
  readonly errors: string[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly client: Engine) {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.pass();
      } catch (error) {
        this.errors.push(String(error));
      }
      await pause(50);
    }
  }

  private async pass(): Promise<void> {
    const { runs } = await this.client.listRuns({ workflow: workflowName, limit: 1000 });
    for (const run of runs) {
      if (this.stopped) return;
      if (this.sent.has(run.id) || isFinished(run.status)) continue;
      const n = runNumberOf(run.id);
      const early = n % 3 === 0;
      if (!early) {
        const view = await this.client.getRun(run.id);
        const wait = view.steps.find((step) => step.position === signalPosition);
        if (wait?.status !== "waiting") continue;
      }
      try {
        await this.client.signal(run.id, signalName, approvalOf(n));
      } catch (error) {
        this.errors.push(`signal to ${run.id}: ${String(error)}`);
        continue;
      }
      this.sent.add(run.id);
      if (early) this.early++;
      else this.onWait++;
    }
  }
}

/** What the store shows right after a kill: the work the killed process had in hand. */
interface KillReport {
  generation: number;
  delayMs: number;
  unfinishedRuns: number;
  stepsInFlight: number;
  sleeping: number;
  waitingForSignal: number;
}

async function snapshot(client: Engine, generation: number, delayMs: number): Promise<KillReport> {
  const report: KillReport = {
    generation,
    delayMs,
    unfinishedRuns: 0,
    stepsInFlight: 0,
    sleeping: 0,
    waitingForSignal: 0,
  };
  const { runs } = await client.listRuns({ workflow: workflowName, limit: 1000 });
  for (const run of runs) {
    if (isFinished(run.status)) continue;
    report.unfinishedRuns++;
    const view = await client.getRun(run.id);
    for (const step of view.steps) {
      if (step.kind === "step" && step.status === "running") report.stepsInFlight++;
      if (step.kind === "timer" && step.status === "waiting") report.sleeping++;
      if (step.kind === "signal" && step.status === "waiting") report.waitingForSignal++;
    }
  }
  return report;
}

test("runs survive repeated SIGKILLs of their worker process", { timeout: 150_000 }, async () => {
  const began = Date.now();
  const dir = tempDir("baton-crash-");
  const storePath = join(dir, "baton.db");

  const kills: KillReport[] = [];
  const workers: WorkerProcess[] = [];
  let client: Engine | undefined;
  let signaller: Signaller | undefined;
  let signals = { early: 0, onWait: 0, errors: [] as string[] };
  const problems: string[] = [];
  const figures = {
    stepBodiesRunMoreThanOnce: 0,
    extraExecutions: 0,
    sameAttemptTwice: 0,
    attemptNumberReused: 0,
    ledgerRows: 0,
    completedSteps: 0,
  };

  try {
    for (let generation = 0; generation < maxKills; generation++) {
      if (kills.filter((kill) => kill.unfinishedRuns > 0).length >= landedKills) break;
      const worker = spawnGeneration(dir, generation, Math.min(runCount, runsPerGeneration * (generation + 1)));
      workers.push(worker);
      await worker.ready;
      if (!client) {
        // Opened once the first process created the store, then used by the test only as a client.
        client = createEngine({ store: `sqlite:${storePath}`, logger: { warn: () => {} } });
        signaller = new Signaller(client);
      }
      const delayMs = randomInt(killDelayMs.min, killDelayMs.max);
      await pause(delayMs);
      assert.equal(worker.exit, undefined, `generation ${generation} exited by itself: ${worker.stderr.join("\n")}`);
      const exit = await killWorker(worker);
      assert.equal(exit.signal, "SIGKILL", `generation ${generation} ended with ${JSON.stringify(exit)}`);
      kills.push(await snapshot(client, generation, delayMs));
    }

    const last = spawnGeneration(dir, kills.length, runCount);
    workers.push(last);
    await last.ready;
    assert.ok(client && signaller);
    await waitForRuns(client, {
      expected: runCount,
      workflow: workflowName,
      timeoutMs: finishTimeoutMs,
      mustComplete: true,
      workers: [last],
    });
    last.child.kill("SIGTERM");
    const exit = await last.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, `the last process stopped badly: ${last.stderr.join("\n")}`);
    await signaller.stop();
    signals = { early: signaller.early, onWait: signaller.onWait, errors: signaller.errors };
    assert.equal(signaller.sent.size, runCount, "every run was sent its signal once");
    signaller = undefined;

    // ---- every run completed, with the right output and a sound history ------------------------------------
    const rows = readLedgers(dir);
    figures.ledgerRows = rows.length;
    const rowsByStep = new Map<string, LedgerRow[]>();
    for (const row of rows) {
      const key = `${row.runId}:${row.position}`;
      rowsByStep.set(key, [...(rowsByStep.get(key) ?? []), row]);
    }
    const { runs } = await client.listRuns({ workflow: workflowName, limit: 1000 });
    assert.deepEqual(
      runs.map((run) => run.id).sort(),
      Array.from({ length: runCount }, (_, n) => runIdOf(n)).sort(),
      "exactly the runs started, each once",
    );
    const stepPositions = callsByPosition
      .map((_, position) => position)
      .filter((position) => position !== sleepPosition && position !== signalPosition);
    const completedKeys = new Set<string>();

    for (let n = 0; n < runCount; n++) {
      const id = runIdOf(n);
      const view = await client.getRun(id);
      if (view.status !== "completed") {
        problems.push(`${id}: status ${view.status}`);
        continue;
      }
      if (!isDeepStrictEqual(view.output, expectedOutput(n))) {
        problems.push(`${id}: output ${JSON.stringify(view.output)}, expected ${JSON.stringify(expectedOutput(n))}`);
      }
      if (view.pendingSignals.length > 0) problems.push(`${id}: ${view.pendingSignals.length} signals left unconsumed`);

      const history = await client.getHistory(id);
      const types = history.map((event) => event.type);
      if (types.filter((type) => type === "run.completed").length !== 1 || types.at(-1) !== "run.completed") {
        problems.push(`${id}: history does not end with a single run.completed: ${types.join(",")}`);
      }
      const received = history.filter((event) => event.type === "signal.received");
      if (
        received.length !== 1 ||
        received[0]?.position !== signalPosition ||
        !isDeepStrictEqual(received[0]?.payload, approvalOf(n))
      ) {
        problems.push(`${id}: signal.received events ${JSON.stringify(received)}`);
      }
      const fired = history.filter((event) => event.type === "timer.fired");
      if (fired.length !== 1 || fired[0]?.position !== sleepPosition) {
        problems.push(`${id}: timer.fired events ${JSON.stringify(fired)}`);
      }

      // ---- no completed step ran again (ledger against history) ------------------------------------------
      const values = expectedStepValues(n);
      const completed = history.filter((event) => event.type === "step.completed");
      const positions = completed.map((event) => event.position as number).sort((a, b) => a - b);
      if (!isDeepStrictEqual(positions, stepPositions)) {
        problems.push(`${id}: step.completed at positions ${positions.join(",")}, expected ${stepPositions.join(",")}`);
      }
      for (const event of completed) {
        figures.completedSteps++;
        const position = event.position as number;
        const name = callsByPosition[position] as string;
        const key = `${id}:${position}`;
        completedKeys.add(key);
        const output = event.output as StepResult;
        const attempt = event.attempt as number;
        if (event.name !== name) problems.push(`${key}: completed step is named ${event.name}, expected ${name}`);
        if (output?.value !== values[name]) {
          problems.push(`${key} (${name}): recorded value ${output?.value}, expected ${values[name]}`);
        }
        if (!Number.isInteger(output?.generation) || output.generation < 0 || output.generation > kills.length) {
          problems.push(`${key} (${name}): recorded generation ${output?.generation}`);
          continue;
        }
        const executions = rowsByStep.get(key) ?? [];
        if (!executions.some((row) => row.generation === output.generation && row.attempt === attempt)) {
          problems.push(
            `${key} (${name}): no ledger row for the execution that completed it ` +
              `(generation ${output.generation}, attempt ${attempt}); rows: ${JSON.stringify(executions)}`,
          );
        }
        for (const row of executions) {
          if (row.name !== name) problems.push(`${key}: ledger row names ${row.name}, expected ${name}`);
          if (row.generation > output.generation) {
            problems.push(
              `${key} (${name}): ran again in generation ${row.generation} (attempt ${row.attempt}) ` +
                `after it completed in generation ${output.generation} (attempt ${attempt})`,
            );
          } else if (row.generation === output.generation && row.attempt > attempt) {
            problems.push(
              `${key} (${name}): ran again as attempt ${row.attempt} in generation ${row.generation} ` +
                `after it completed as attempt ${attempt}`,
            );
          }
        }
        if (executions.length > 1) {
          figures.stepBodiesRunMoreThanOnce++;
          figures.extraExecutions += executions.length - 1;
          const attempts = new Set(executions.map((row) => `${row.generation}:${row.attempt}`));
          figures.sameAttemptTwice += executions.length - attempts.size;
          figures.attemptNumberReused += attempts.size - new Set(executions.map((row) => row.attempt)).size;
        }
      }
    }
    for (const key of rowsByStep.keys()) {
      if (!completedKeys.has(key)) problems.push(`${key}: the ledger has executions of a step with no completion`);
    }
    assert.equal(stepNames.length * runCount, figures.completedSteps, "every step of every run completed once");
  } finally {
    killAllWorkers();
    await Promise.all(workers.map((worker) => worker.exited));
    await signaller?.stop();
    await client?.[Symbol.asyncDispose]();
  }

  // ---- report -------------------------------------------------------------------------------------------------
  const landed = kills.filter((kill) => kill.unfinishedRuns > 0);
  const warnings = workers.flatMap((worker) => worker.stderr.map((line) => `generation ${worker.generation}: ${line}`));
  const created = workers.reduce((sum, worker) => sum + createdBy(worker), 0);
  console.log(
    [
      `crash test: ${runCount} runs x ${stepNames.length} steps (${figures.completedSteps} completed steps), ` +
        `${workers.length} processes, ${kills.length} kills in ${((Date.now() - began) / 1000).toFixed(1)} s`,
      `kills with unfinished runs: ${landed.length}; during steps: ${kills.filter((k) => k.stepsInFlight > 0).length} ` +
        `(${kills.reduce((sum, k) => sum + k.stepsInFlight, 0)} steps in flight in all); ` +
        `during sleeps: ${kills.filter((k) => k.sleeping > 0).length}; ` +
        `during signal waits: ${kills.filter((k) => k.waitingForSignal > 0).length}`,
      `kill delays (ms): ${kills.map((k) => k.delayMs).join(" ")}`,
      `ledger: ${figures.ledgerRows} step executions; ${figures.stepBodiesRunMoreThanOnce} step bodies ran more than ` +
        `once (${figures.extraExecutions} extra executions); ${figures.sameAttemptTwice} executions repeated ` +
        `an attempt of the same generation; ${figures.attemptNumberReused} reused the attempt number of an ` +
        "execution killed before its start was recorded",
      `signals: ${signals.early} sent as soon as the run existed, ${signals.onWait} once the run waited for it; ` +
        `${signals.errors.length} sends or reads failed and were tried again` +
        (signals.errors.length ? ` (first: ${signals.errors[0]})` : ""),
      `starts: ${created} runs reported created by the processes that lived to report it`,
      `engine warnings: ${warnings.length}${warnings.length ? `\n  ${warnings.slice(0, 10).join("\n  ")}` : ""}`,
    ].join("\n"),
  );
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);

  // ---- the files are sound once every process has exited ------------------------------------------------------
  assert.deepEqual(integrityCheck(storePath), ["ok"], "integrity of the engine's store");
  for (const ledger of ledgerFiles(dir)) assert.deepEqual(integrityCheck(ledger), ["ok"], `integrity of ${ledger}`);
});
