/**
 * The engine survives the loss of its PostgreSQL connections in the middle of
 * a load. Two engines in this process share one store and execute 150 runs
 * of a ten-step workflow (two groups of parallel steps), 30 runs that sleep
 * about a second between two steps and 30 runs that wait for a signal between
 * two steps; a third engine, never started, starts the runs and sends the
 * signals. While runs are in flight the test terminates every PostgreSQL
 * backend of the three engines, five times: while steps run (twice), while
 * runs are being started, and while signals are being sent (twice: once with
 * sends held on a row lock so that the cut finds them waiting in the
 * database, once with sends going out one after another). Sleeps end between
 * the cuts.
 *
 * Then every run must have completed with the right output and a sound
 * history: seqs 1..n without gaps, exactly one `step.completed` per step
 * position, no `run.failed`, each sleep set and fired once, each signal
 * received exactly once with its payload and none left pending; and each step
 * body ran only for attempts whose start was recorded, never twice for one.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, type Engine } from "baton";
import { eventually, tempStore, testPostgresUrl } from "../helpers.js";
import { waitForRuns } from "../process-harness.js";
import { type Cut, openAdmin } from "./outage/admin.js";
import { checkRun, type RunFigures } from "./outage/check-run.js";
import { pause, range, Signaller, Starter } from "./outage/load.js";
import { WarningLog } from "./outage/warnings.js";
import { createRunKinds, type Execution } from "./outage/workflows.js";

const chainRuns = 150;
const sleepRuns = 30;
const signalRuns = 30;
/** Gap between two signal sends of the second batch; the cut comes halfway through. */
const signalGapMs = 8;
const finishTimeoutMs = 30_000;

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const retrying = "PostgreSQL unreachable, retrying";

test("runs complete exactly once while every PostgreSQL connection is cut, again and again", {
  timeout: 60_000,
}, async (t) => {
  const began = Date.now();
  const store = new URL(tempStore());
  const schema = store.searchParams.get("schema") as string;
  const roles = new Map<string, string>();
  /** The store address of one engine: its connections carry an application name naming it. */
  const addressOf = (role: string) => {
    const url = new URL(store);
    url.searchParams.set("application_name", `${schema}_${role}`);
    roles.set(`${schema}_${role}`, role);
    return url.toString();
  };

  const warnings = new WarningLog();
  const executions: Execution[] = [];
  const kinds = createRunKinds("client", executions);
  const engines: Engine[] = ["a", "b"].map((role) =>
    createEngine({
      store: addressOf(role),
      workflows: Object.values(createRunKinds(role, executions)).map((kind) => kind.workflow),
      pollInterval: 100,
      lease: "5s",
      logger: warnings.logger(role),
    }),
  );
  const client = createEngine({ store: addressOf("client"), pollInterval: 50, logger: warnings.logger("client") });
  const admin = await openAdmin(testPostgresUrl, schema, roles);
  const starter = new Starter(client);
  const signaller = new Signaller(client, kinds.signal);
  const cuts: Cut[] = [];
  const cut = async (label: string) => {
    const at = Date.now();
    const done = { ...(await admin.cut(label)), label: `${label}, at ${at - began} ms` };
    cuts.push(done);
    return done;
  };
  const clientRetries = () => warnings.count(retrying, "client");
  const problems: string[] = [];
  const figures: RunFigures = { stepsStartedTwice: 0, bodiesRunTwice: [] };
  const firstHalf = range(0, signalRuns / 2);
  const secondHalf = range(signalRuns / 2, signalRuns);
  let heldSends = { waitingAtCut: 0, retries: 0 };
  let spacedSends = { issuedAtCut: 0, retries: 0 };
  let endedAt = 0;

  try {
    await Promise.all(engines.map((engine) => engine.start()));

    // ---- the load, and the cuts -------------------------------------------------------------------------------
    await Promise.all([
      starter.start(kinds.sleep, range(0, sleepRuns / 2)),
      starter.start(kinds.signal, range(0, signalRuns)),
    ]);
    await eventually(async () => {
      const { runs } = await client.listRuns({ workflow: kinds.signal.workflow.name, status: "waiting", limit: 1000 });
      return runs.length === signalRuns;
    });
    await starter.start(kinds.chain, range(0, 50));
    // Workers claim the chains: the cut waits for their first steps to start.
    await eventually(async () => (await admin.stepsInFlight()) > 0);
    await cut("steps in flight");
    await Promise.all([
      starter.start(kinds.chain, range(50, 100)),
      starter.start(kinds.sleep, range(sleepRuns / 2, sleepRuns)),
    ]);
    await pause(150);

    // Signals to runs whose rows are locked: the sends wait in the database when the cut comes.
    let retriesBefore = clientRetries();
    const unlock = await admin.lockRuns(firstHalf.map((n) => kinds.signal.idOf(n)));
    let heldCut: Cut;
    const held = signaller.send(firstHalf, 0);
    try {
      await eventually(async () => (await admin.waitingForLock("client")) > 0);
      await pause(50);
      heldCut = await cut("signals being sent, held on a lock");
    } finally {
      await unlock();
    }
    await held;
    heldSends = { waitingAtCut: heldCut.waitingForLock.client ?? 0, retries: clientRetries() - retriesBefore };

    await Promise.all([
      starter.start(kinds.chain, range(100, chainRuns)),
      pause(30).then(() => cut("runs being started")),
    ]);
    await pause(200);

    // Signals going out one after another, the cut halfway through.
    retriesBefore = clientRetries();
    const spaced = signaller.send(secondHalf, signalGapMs);
    await eventually(() => signaller.issued - firstHalf.length >= secondHalf.length / 2);
    const issuedAtCut = signaller.issued - firstHalf.length;
    await cut("signals being sent, one after another");
    await spaced;
    spacedSends = { issuedAtCut, retries: clientRetries() - retriesBefore };

    await pause(300);
    await cut("steps in flight (2)");

    await waitForRuns(client, { expected: chainRuns + sleepRuns + signalRuns, timeoutMs: finishTimeoutMs });
    endedAt = Date.now() - began;

    // ---- every run completed once, with the right output and a sound history -----------------------------------
    const { runs } = await client.listRuns({ limit: 1000 });
    const all = [
      [kinds.chain, chainRuns],
      [kinds.sleep, sleepRuns],
      [kinds.signal, signalRuns],
    ] as const;
    const expectedIds = all.flatMap(([kind, count]) => range(0, count).map((n) => kind.idOf(n)));
    assert.deepEqual(runs.map((run) => run.id).sort(), expectedIds.sort(), "exactly the runs started, each once");
    for (const [kind, count] of all) {
      for (const n of range(0, count)) {
        const id = kind.idOf(n);
        const [view, history] = await Promise.all([client.getRun(id), client.getHistory(id)]);
        const ran = executions.filter((execution) => execution.runId === id);
        problems.push(...checkRun(kind, n, view, history, ran, figures));
      }
    }
  } finally {
    await Promise.all([...engines, client].map((engine) => engine[Symbol.asyncDispose]()));
    await admin.close();
  }

  // ---- report ---------------------------------------------------------------------------------------------------
  for (const c of cuts) {
    t.diagnostic(
      `cut "${c.label}": ${sum(c.terminated)} backends terminated ${JSON.stringify(c.terminated)}, ` +
        `${sum(c.active)} of them running a statement ${JSON.stringify(c.active)}, ` +
        `${sum(c.waitingForLock)} waiting for a lock; steps in flight ${c.stepsInFlight}; ` +
        `timers fired ${c.timers.fired} of ${c.timers.set}; ` +
        `unfinished runs ${JSON.stringify(c.unfinished)}`,
    );
  }
  t.diagnostic(
    `signals: ${heldSends.waitingAtCut} sends waiting on a lock at the cut, ${heldSends.retries} retries; ` +
      `${spacedSends.issuedAtCut} of ${secondHalf.length} spaced sends out at the cut, ${spacedSends.retries} retries`,
  );
  t.diagnostic(
    `${starter.started} starts (${starter.existing} returned created: false); ` +
      `${signaller.returned} signals sent; ${executions.length} step executions; ` +
      `${figures.stepsStartedTwice} steps started more than once; ${figures.bodiesRunTwice.length} bodies ran more than once`,
  );
  if (figures.bodiesRunTwice.length > 0) {
    t.diagnostic(`  bodies run again (engines of attempts 1, 2...): ${figures.bodiesRunTwice.slice(0, 10).join("; ")}`);
  }
  t.diagnostic(
    `warnings: ${warnings.entries.length} ${JSON.stringify(warnings.bySource())}; retries: ${warnings.count(retrying)}`,
  );
  for (const line of warnings.summary().slice(0, 12)) t.diagnostic(`  ${line}`);
  t.diagnostic(`every run finished ${endedAt} ms after the start; the test took ${Date.now() - began} ms`);

  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.deepEqual(signaller.failures, [], "every signal send returned");
  assert.equal(signaller.returned, signalRuns, "every signal run was sent its signal once");

  // ---- the cuts hit work in flight ------------------------------------------------------------------------------
  assert.equal(cuts.length, 5);
  for (const c of cuts) assert.ok(sum(c.terminated) > 0, `cut "${c.label}" terminated no backend`);
  for (const role of ["a", "b", "client"]) {
    assert.ok(
      cuts.some((c) => (c.terminated[role] ?? 0) > 0),
      `no cut terminated a backend of engine ${role}`,
    );
  }
  const first = cuts[0] as Cut;
  assert.ok(
    (first.unfinished["outage-chain:running"] ?? 0) > 0 && first.stepsInFlight > 0,
    "the first cut came while steps ran",
  );
  assert.ok(heldSends.waitingAtCut > 0, "the cut found signal sends waiting in the database");
  assert.ok(heldSends.retries > 0, "signal sends were retried after the cut");
  assert.ok(
    spacedSends.issuedAtCut > 0 && spacedSends.issuedAtCut < secondHalf.length,
    "the cut came between two signal sends",
  );
  assert.ok(
    cuts.some((c) => c.timers.fired > 0 && c.timers.fired < c.timers.set),
    "a cut came after some sleeps had finished and before others had",
  );
});
