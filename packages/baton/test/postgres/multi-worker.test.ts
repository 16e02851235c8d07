/**
 * Multi-process test of the PostgreSQL store. Four worker processes share one
 * store and execute 500 runs of a 12-step workflow (parallel branches
 * included) that the test process starts through a client engine it never
 * starts. Meanwhile the test SIGKILLs workers at random moments (spawning a
 * replacement each time, so four stay alive) and freezes others with SIGSTOP
 * for longer than the lease before SIGCONT. At the end every run must have
 * completed with the right output, each step must have exactly one
 * `step.completed` in the history, and the ledgers the step bodies wrote must
 * show that no attempt ran in two processes and that no step body started
 * after its step's completion was recorded, but for one case no lease can
 * rule out: a worker frozen between its check of the lease and a body's
 * first line starts that body as it resumes (one such start per freeze is
 * accepted, within 50 ms of the resume; see `Resume` in
 * `multi-worker/checks.ts`).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createEngine, type Engine } from "baton";
import { tempDir, tempStore, testStoreKind } from "../helpers.js";
import {
  freezeWorker,
  killAllWorkers,
  killWorker,
  readLedgers,
  spawnWorker,
  stopWorker,
  type WorkerProcess,
  waitForRuns,
} from "../process-harness.js";
import { checkRuns, type Figures } from "./multi-worker/checks.js";
import { createChainWorkflow, runIdOf, stepNames, workflowName } from "./multi-worker/workflow.js";

const runCount = 500;
const workerCount = 4;
/** The workers' lease (see `worker-process.ts`). */
const leaseMs = 2000;
/**
 * Chaos events of each kind; at least `mustLand` of each must hit a worker
 * with steps in flight. A worker can be between steps of all its runs at the
 * moment (their writes under way), so not every event lands: in 23 runs of
 * the test, the fewest was 3 of 6 (twice).
 */
const killCount = 6;
const freezeCount = 6;
const mustLand = 3;
/** A freeze lasts the lease plus 1 to 2 s. */
const freezeMs = { min: leaseMs + 1000, max: leaseMs + 2000 };
/** Runs are started in batches over this long; chaos events come this far apart. */
const startWindowMs = 20_000;
const startBatch = 10;
const chaosGapMs = { min: 800, max: 2200 };
/** At most this many workers are frozen at once. */
const maxFrozen = 2;
/** How long a chaos event waits for a worker that holds running runs. */
const busyWaitMs = 5000;
const finishTimeoutMs = 60_000;

const workerScript = fileURLToPath(new URL("./multi-worker/worker-process.ts", import.meta.url));

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

after(killAllWorkers);

interface Chaos {
  kind: "kill" | "freeze";
  generation: number;
  /** Time of the signal, epoch ms. */
  at: number;
  ms?: number;
  /** A freeze: just before SIGCONT, epoch ms. */
  resumedAt?: number;
}

/** Generations of the workers that hold a running run now (from the lease owners, `multi-worker-<generation>-<pid>`). */
async function busyGenerations(client: Engine): Promise<Map<number, number>> {
  const { runs } = await client.store.listRuns({ workflow: workflowName, status: "running", limit: 1000 });
  const counts = new Map<number, number>();
  for (const run of runs) {
    const generation = Number(run.leaseOwner?.split("-")[2]);
    if (Number.isInteger(generation)) counts.set(generation, (counts.get(generation) ?? 0) + 1);
  }
  return counts;
}

/**
 * Sends the kills and freezes in random order at random moments, each to the
 * worker that holds the most running runs (any worker once `busyWaitMs`
 * passed without one), so that it most likely has step bodies in flight;
 * keeps `workerCount` workers alive.
 */
async function makeChaos(
  client: Engine,
  workers: WorkerProcess[],
  spawnNext: () => WorkerProcess,
  chaos: Chaos[],
  freezes: Promise<void>[],
): Promise<void> {
  const events = [...Array<"kill">(killCount).fill("kill"), ...Array<"freeze">(freezeCount).fill("freeze")].sort(
    () => Math.random() - 0.5,
  );
  for (const kind of events) {
    await pause(randomInt(chaosGapMs.min, chaosGapMs.max));
    const since = Date.now();
    for (;;) {
      const frozen = workers.filter((w) => w.frozen).length;
      const busy = await busyGenerations(client);
      const candidates = workers.filter(
        (w) => w.isReady && !w.frozen && !w.exit && (busy.has(w.generation) || Date.now() - since > busyWaitMs),
      );
      if (candidates.length > 0 && (kind === "kill" || frozen < maxFrozen)) {
        const load = (w: WorkerProcess) => busy.get(w.generation) ?? 0;
        const victim = candidates.reduce((a, b) => (load(b) > load(a) ? b : a));
        if (kind === "kill") {
          chaos.push({ kind, generation: victim.generation, at: Date.now() });
          const exit = await killWorker(victim);
          assert.equal(exit.signal, "SIGKILL", `worker ${victim.generation} ended with ${JSON.stringify(exit)}`);
          spawnNext();
        } else {
          const ms = randomInt(freezeMs.min, freezeMs.max);
          const freeze: Chaos = { kind, generation: victim.generation, at: Date.now(), ms };
          chaos.push(freeze);
          freezes.push(
            freezeWorker(victim, ms).then((resumedAt) => {
              freeze.resumedAt = resumedAt;
            }),
          );
        }
        break;
      }
      await pause(100);
    }
  }
}

/** Starts runs 0 to `runCount` - 1 in batches spread over `startWindowMs`. */
async function startRuns(client: Engine, workflow: ReturnType<typeof createChainWorkflow>): Promise<void> {
  const batches = Math.ceil(runCount / startBatch);
  for (let batch = 0; batch < batches; batch++) {
    const numbers = Array.from({ length: startBatch }, (_, i) => batch * startBatch + i).filter((n) => n < runCount);
    const handles = await Promise.all(numbers.map((n) => client.startRun(workflow, { n }, { id: runIdOf(n) })));
    for (const handle of handles) assert.ok(handle.created, `run ${handle.id} was new`);
    await pause(startWindowMs / batches);
  }
}

const describe = (values: number[]) => {
  if (values.length === 0) return "none";
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `min ${sorted[0]}, median ${at(0.5)}, max ${sorted.at(-1)} (${values.length})`;
};

test("four workers on one PostgreSQL store survive kills and freezes", { timeout: 150_000 }, async (t) => {
  assert.equal(testStoreKind, "postgres", "run through scripts/test.mjs, which sets BATON_TEST_STORE=postgres");
  const began = Date.now();
  const address = tempStore();
  const ledgerDir = tempDir("baton-multi-worker-");
  const workflow = createChainWorkflow({
    generation: -1,
    bodyStarted: () => assert.fail("the client engine never runs a step"),
    workMs: () => 0,
  });

  const workers: WorkerProcess[] = [];
  const spawnNext = () => {
    const worker = spawnWorker(workerScript, [address, ledgerDir, String(workers.length)], workers.length);
    workers.push(worker);
    return worker;
  };
  const chaos: Chaos[] = [];
  const freezes: Promise<void>[] = [];
  const clientWarnings: string[] = [];
  const client = createEngine({
    store: address,
    workflows: [workflow],
    logger: { warn: (message, error) => clientWarnings.push(`${message} ${String(error ?? "")}`) },
  });
  let figures: Figures | undefined;
  let problems: string[] = [];
  const stops: string[] = [];
  let loadEndedAt = 0;

  try {
    for (let i = 0; i < workerCount; i++) spawnNext();
    await Promise.all(workers.map((worker) => worker.ready));
    const loadBegan = Date.now();

    await Promise.all([
      startRuns(client, workflow),
      pause(1000).then(() => makeChaos(client, workers, spawnNext, chaos, freezes)),
    ]);
    await Promise.all(freezes);
    await Promise.all(workers.filter((w) => !w.exit).map((w) => w.ready));
    assert.equal(workers.filter((w) => !w.exit).length, workerCount, "four workers alive");
    await waitForRuns(client, {
      expected: runCount,
      workflow: workflowName,
      timeoutMs: finishTimeoutMs,
      mustComplete: true,
      workers,
    });
    loadEndedAt = Date.now();
    t.diagnostic(`load: ${runCount} runs done in ${((loadEndedAt - loadBegan) / 1000).toFixed(1)} s`);

    for (const worker of workers.filter((w) => !w.exit)) {
      const exit = await stopWorker(worker, 15_000);
      stops.push(`worker ${worker.generation}: ${JSON.stringify(exit ?? "did not stop")}`);
      assert.deepEqual(exit, { code: 0, signal: null }, `worker ${worker.generation} stopped badly: ${worker.stderr}`);
    }

    const rows = readLedgers(ledgerDir);
    const resumes = chaos.flatMap((c) =>
      c.resumedAt === undefined ? [] : [{ generation: c.generation, at: c.resumedAt }],
    );
    ({ problems, figures } = await checkRuns(client, runCount, rows, workers.length, resumes));
  } finally {
    killAllWorkers();
    await Promise.all(workers.map((worker) => worker.exited));
    await client[Symbol.asyncDispose]();
  }

  // ---- report ---------------------------------------------------------------------------------------------------
  const kills = chaos.filter((c) => c.kind === "kill");
  const frozen = chaos.filter((c) => c.kind === "freeze");
  /** A kill or freeze landed when a step body its worker started shortly before it was completed by another attempt. */
  const landed = (event: Chaos) =>
    figures.overtaken.some(
      (row) => row.generation === event.generation && row.at >= event.at - leaseMs && row.at <= event.at + 100,
    );
  const landedKills = kills.filter(landed);
  const landedFreezes = frozen.filter(landed);
  const warnings = workers.flatMap((worker) => worker.stderr.map((line) => `worker ${worker.generation}: ${line}`));
  const byGeneration = [...figures.completedByGeneration.entries()].sort(([a], [b]) => a - b);
  t.diagnostic(
    `${figures.runs} runs, ${figures.completedSteps} completed steps, ${workers.length} worker processes, ` +
      `${((Date.now() - began) / 1000).toFixed(1)} s in all`,
  );
  t.diagnostic(
    `kills: ${kills.length} (${landedKills.length} with steps in flight), workers ${kills.map((k) => k.generation).join(" ")}`,
  );
  t.diagnostic(
    `freezes: ${frozen.length} (${landedFreezes.length} with steps taken over), ` +
      `${frozen.map((f) => `worker ${f.generation} at ${new Date(f.at).toISOString().slice(11, 23)} for ${f.ms} ms`).join(", ")}`,
  );
  t.diagnostic(
    `ledger: ${figures.ledgerRows} body starts; ${figures.stepsRunMoreThanOnce} steps ran more than once ` +
      `(${figures.extraExecutions} extra starts); ${figures.overtaken.length} starts did not complete their step`,
  );
  t.diagnostic(
    `attempts: ${figures.laterAttempts} attempts > 1 started, ${figures.completedByLaterAttempt} steps completed ` +
      `by an attempt > 1, highest attempt ${figures.maxAttempt}`,
  );
  t.diagnostic(`gap between consecutive attempts of a step (ms): ${describe(figures.takeoverGapsMs)}`);
  t.diagnostic(`steps completed by worker: ${byGeneration.map(([g, n]) => `${g}:${n}`).join(" ")}`);
  t.diagnostic(`graceful stops: ${stops.join("; ")}`);
  t.diagnostic(
    `warnings: ${warnings.length} from workers, ${clientWarnings.length} from the client` +
      (warnings.length + clientWarnings.length > 0
        ? `\n  ${[...warnings, ...clientWarnings].slice(0, 10).join("\n  ")}`
        : ""),
  );
  t.diagnostic(
    `bodies started as their worker resumed, after the step was completed elsewhere (their lease checked before the freeze): ${figures.startedAtResume.length}`,
  );
  for (const line of figures.startedAtResume) t.diagnostic(`started as its worker resumed: ${line}`);
  for (const problem of problems.slice(0, 20)) t.diagnostic(`problem: ${problem}`);

  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.equal(figures.completedSteps, runCount * stepNames.length, "every step of every run completed once");
  assert.equal(kills.length, killCount, "every kill was sent");
  assert.equal(frozen.length, freezeCount, "every freeze was sent");
  assert.ok(landedKills.length >= mustLand, `${landedKills.length} kills hit steps in flight; ${mustLand} needed`);
  assert.ok(landedFreezes.length >= mustLand, `${landedFreezes.length} freezes led to takeovers; ${mustLand} needed`);
});
