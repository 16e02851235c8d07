import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, defineWorkflow, openStore, type RunFailedError } from "baton";
import { eventually, historyOfRun, newRun, rawSql, startEngine, tempStore, wrapStore } from "../helpers.js";
import { heldClaimsStore } from "./held-claims-store.js";

test("stop lets in-flight steps finish and leaves every run resumable by the next start", async () => {
  const store = tempStore();
  let started = false;
  let finished = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const make = () =>
    defineWorkflow("graceful", async (ctx) => {
      await ctx.step("slow", async () => {
        started = true;
        await gate;
        finished++;
      });
      return ctx.step("after", () => "done");
    });
  const first = await startEngine([make()], { store });
  const run = await first.startRun("graceful", {});
  await eventually(() => started);
  const stopping = first.stop();
  release(); // the step in flight ends after the stop began
  await stopping;
  assert.equal(finished, 1, "stop waited for the step in flight");
  const view = await first.getRun(run.id);
  assert.equal(view.steps[0]?.status, "completed");
  assert.equal(view.steps.length, 1, "no new step started while stopping");
  await first[Symbol.asyncDispose]();

  await using second = await startEngine([make()], { store });
  assert.equal(await second.handle(run.id).result(), "done");
  assert.equal(finished, 1);
});

test("stop starts no new step from its first moment, even while a claim under way holds it up", async () => {
  const address = tempStore();
  const { inner, store, claims } = heldClaimsStore(address);
  let started = false;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const wf = defineWorkflow("stop-during-claim", async (ctx) => {
    await ctx.step("slow", async () => {
      started = true;
      await gate;
    });
    return ctx.step("after", () => "done");
  });
  const first = await startEngine([wf], { store });
  const run = await first.startRun(wf, {});
  await eventually(() => started);
  claims.hold();
  await eventually(() => claims.entered);
  const stopped = first.stop();
  // The step in flight ends while the stop waits for the claim: the run goes no further
  // (a next step would start in the write of this step's end, or before the stop releases the run).
  release();
  await eventually(async () => (await inner.getHistory(run.id)).some((e) => e.type === "step.completed"));
  claims.open();
  await stopped;
  const types = (await inner.getHistory(run.id)).map((e) => e.type);
  assert.deepEqual(
    types.filter((type) => type.startsWith("step.")),
    ["step.started", "step.completed"],
    "no new step started while stopping",
  );
  await first[Symbol.asyncDispose]();
  await using second = await startEngine([wf], { store: address });
  assert.equal(await second.handle(run.id).result(), "done");
});

test("a run abandoned by a dead worker is taken over once its lease expires", async () => {
  const store = tempStore();
  const wf = defineWorkflow("abandoned", async (ctx) => ctx.step("s", () => "recovered"));
  const client = createEngine({ store, workflows: [wf], logger: { warn: () => {} } });
  // A worker that claimed the run and died: a lease held by nobody alive.
  const {
    runs: [claimed],
  } = await client.store
    .claimRuns({
      owner: "dead-worker",
      now: Date.now(),
      leaseMs: 300,
      limit: 1,
      workflows: ["abandoned@1"],
    })
    .then(async (none) => {
      assert.equal(none.runs.length, 0);
      await client.startRun(wf, {}, { id: "orphan" });
      return client.store.claimRuns({
        owner: "dead-worker",
        now: Date.now(),
        leaseMs: 300,
        limit: 1,
        workflows: ["abandoned@1"],
      });
    });
  assert.equal(claimed?.run.id, "orphan");
  await using worker = await startEngine([wf], { store });
  assert.equal(await worker.handle("orphan").result(), "recovered");
  await client[Symbol.asyncDispose]();
});

test("a worker that lost its lease has its writes rejected", async () => {
  const store = tempStore();
  const wf = defineWorkflow("fenced", async () => 1);
  await using engine = await startEngine([wf], { store, start: false });
  await engine.startRun(wf, {}, { id: "f" });
  const now = Date.now();
  const request = { now, leaseMs: 10, limit: 1, workflows: ["fenced@1"] };
  const [old] = (await engine.store.claimRuns({ ...request, owner: "a" })).runs;
  const [taken] = (await engine.store.claimRuns({ ...request, owner: "b", now: now + 20 })).runs;
  assert.ok(old && taken);
  const event = { seq: 2, type: "step.started" as const, at: now, position: 0, name: "x", attempt: 1 };
  await assert.rejects(engine.store.appendHistory(old.lease, { kind: "starts", events: [event], now }), {
    code: "LEASE_LOST",
  });
  await engine.store.appendHistory(taken.lease, { kind: "starts", events: [event], now });
  assert.equal((await engine.store.getHistory("f")).length, 2);
});

test("a run whose stored rows cannot be read fails alone, and the runs claimed with it go on", async () => {
  const store = tempStore();
  const wf = defineWorkflow("readable", async (ctx, n: number) => {
    const first = await ctx.step("first", () => n);
    await ctx.waitForSignal("go");
    return first * 2;
  });
  {
    await using first = await startEngine([wf], { store });
    for (let i = 0; i < 3; i++) await first.startRun(wf, i, { id: `readable-${i}` });
    await eventually(async () => (await first.listRuns({ status: "waiting", limit: 10 })).runs.length === 3);
  }
  // A value that is not JSON, as no engine writes it (a hand edit, a bad restore).
  await rawSql(
    store,
    `UPDATE history SET data = '{not json' WHERE ${historyOfRun(store, "readable-1")} AND type = 'step.completed'`,
  );
  const warnings: string[] = [];
  await using second = await startEngine([wf], { store, start: false, logger: { warn: (m) => warnings.push(m) } });
  // Signalled before the worker starts: its first claim takes all three together.
  for (let i = 0; i < 3; i++) await second.signal(`readable-${i}`, "go", null);
  await second.start();
  await eventually(async () => (await second.listRuns({ status: "completed", limit: 10 })).runs.length === 2, 60_000);
  assert.equal(await second.handle("readable-0").result(), 0);
  assert.equal(await second.handle("readable-2").result(), 4);
  await assert.rejects(second.handle("readable-1").result(), (error: RunFailedError) => {
    assert.equal(error.code, "RUN_FAILED");
    assert.equal(error.error?.code, "UNREADABLE_RUN");
    assert.match(error.error?.message ?? "", /^run "readable-1" cannot be read from the store: /);
    return true;
  });
  const failed = await second.store.getRun("readable-1");
  assert.equal(failed?.status, "failed");
  assert.equal(failed?.leaseOwner, undefined);
  assert.match(failed?.error?.message ?? "", /^run "readable-1" cannot be read from the store: /);
  assert.ok(warnings.some((message) => message.includes('run "readable-1" cannot be read')));
  await assert.rejects(second.getRun("readable-1"), { name: "UnreadableRunError", code: "UNREADABLE_RUN" });
  assert.equal((await second.getRun("readable-0")).status, "completed");
});

test("a worker whose lease was taken over stops the run quietly and writes nothing more", async () => {
  const { createTestClock } = await import("baton");
  const clock = createTestClock();
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let after = 0;
  const wf = defineWorkflow("stolen", async (ctx) => {
    await ctx.step("slow", () => gate.then(() => "done"));
    await ctx.step("after", () => ++after);
  });
  // The store as the worker sees it: notes the writes refused for a lost lease.
  const inner = openStore(tempStore());
  let refused = 0;
  const store = wrapStore(inner, {
    async appendHistory(lease, write) {
      try {
        return await inner.appendHistory(lease, write);
      } catch (error) {
        if ((error as { code?: string }).code === "LEASE_LOST") refused++;
        throw error;
      }
    },
  });
  await using engine = await startEngine([wf], { store, clock, lease: "10s" });
  const run = await engine.startRun(wf, {});
  await eventually(async () => (await engine.getHistory(run.id)).some((e) => e.type === "step.started"));
  const stolen = await engine.store.claimRuns({
    owner: "thief",
    now: clock.now() + 60_000,
    leaseMs: 60_000,
    limit: 1,
    workflows: ["stolen@1"],
  });
  assert.equal(stolen.runs.length, 1);
  release();
  // The write of the end of "slow" is refused: the run can go no further in this worker.
  await eventually(() => refused > 0);
  const history = await engine.getHistory(run.id);
  assert.deepEqual(
    history.map((e) => e.type),
    ["run.started", "step.started"],
  );
  assert.equal(after, 0);
  assert.equal((await engine.store.getRun(run.id))?.leaseOwner, "thief");
});

test("a worker that loses a run to another worker aborts the attempt in flight", async () => {
  let aborted: unknown;
  const wf = defineWorkflow("lost-lease", async (ctx) =>
    ctx.step("long", (step) => {
      return new Promise((resolve) => {
        step.signal.addEventListener("abort", () => {
          aborted = step.signal.reason;
          resolve("aborted");
        });
      });
    }),
  );
  await using engine = await startEngine([wf], { lease: "600ms" });
  const run = await engine.startRun(wf, {});
  await eventually(async () => (await engine.getHistory(run.id)).some((e) => e.type === "step.started"));
  const { runs } = await engine.store.claimRuns({
    owner: "other-worker",
    now: Date.now() + 60_000,
    leaseMs: 60_000,
    limit: 1,
    workflows: ["lost-lease@1"],
  });
  assert.equal(runs.length, 1, "the other worker took the run");
  await eventually(() => aborted !== undefined, 5000);
  assert.equal((aborted as { code?: string }).code, "LEASE_LOST");
  const history = await engine.getHistory(run.id);
  assert.ok(!history.some((e) => e.type === "step.completed"), "the old worker wrote nothing more");
});

test("a worker stopping while a write is under way writes it, then gives the lease up", async () => {
  const address = tempStore();
  const inner = openStore(address);
  let entered = false;
  let slowWrites = false;
  let finishWrite: () => void = () => {};
  const writeHeld = new Promise<void>((resolve) => {
    finishWrite = resolve;
  });
  // The store as a worker sees it: once `slowWrites` is set, writes with events wait for `finishWrite()`.
  const store = wrapStore(inner, {
    async appendHistory(lease, write) {
      if (slowWrites && write.events.length > 0) {
        entered = true;
        await writeHeld;
      }
      return inner.appendHistory(lease, write);
    },
  });
  const wf = defineWorkflow("slow-write", async (ctx) => {
    await ctx.step("first", () => {
      slowWrites = true;
    });
    await ctx.waitForSignal("go");
    return "done";
  });
  const first = await startEngine([wf], { store });
  const run = await first.startRun(wf, {});
  await eventually(() => entered);
  const stopping = first.stop();
  finishWrite(); // the write ends after the stop began
  await stopping;
  const types = (await inner.getHistory(run.id)).map((e) => e.type);
  assert.ok(types.includes("step.completed"), `the write under way was made: ${types.join(", ")}`);
  assert.equal((await inner.getRun(run.id))?.leaseOwner, undefined, "the lease was given up");
  await first[Symbol.asyncDispose]();
  await using second = await startEngine([wf], { store: address });
  await second.signal(run.id, "go");
  assert.equal(await second.handle(run.id).result(), "done");
});

test("a worker with no run in memory finds a run held under its name that it never heard of (a claim cut off)", async () => {
  const inner = openStore(tempStore());
  let looked = false;
  const store = wrapStore(inner, {
    async heldRuns(owner) {
      const held = await inner.heldRuns(owner);
      looked = true;
      return held;
    },
  });
  const wf = defineWorkflow("w", async (ctx, input: { id: string }) => ctx.step("s", () => `done ${input.id}`));
  await using engine = await startEngine([wf], { store, workerId: "cut-off", lease: "300ms" });
  await eventually(() => looked); // its first claim has looked at what it holds
  // As if a claim of this worker committed but its answer was lost: held by it, no notice.
  await engine.store.createRun(
    { ...newRun("lost-claim"), lease: { owner: "cut-off", expiresAt: Date.now() + 3_600_000 } },
    Date.now(),
  );
  await eventually(async () => (await engine.getRun("lost-claim")).status === "completed", 5000);
  assert.equal(await engine.handle("lost-claim").result(), "done lost-claim");
});

test("a body whose worker stalled past its lease while the body waited for its start's commit never starts: the step runs again as attempt 2", async () => {
  const address = tempStore();
  const inner = openStore(address);
  const leaseMs = 300;
  let stalled = false;
  // The store as a worker sees it: once the write that starts "second" is
  // committed, the worker's thread stops for longer than its lease (as a
  // frozen process or a long pause would) before the write's answer goes on.
  const store = wrapStore(inner, {
    async appendHistory(lease, write) {
      await inner.appendHistory(lease, write);
      if (!stalled && write.events.some((e) => e.type === "step.started" && e.name === "second")) {
        stalled = true;
        const until = performance.now() + leaseMs + 200;
        while (performance.now() < until) {
          // stalled: no timer, no renewal, nothing else of this worker runs
        }
      }
    },
  });
  const bodies: number[] = [];
  const wf = defineWorkflow("stalled-before-body", async (ctx) => {
    const a = await ctx.step("first", () => 1);
    return ctx.step("second", (step) => {
      bodies.push(step.attempt);
      return a + 1;
    });
  });
  await using engine = await startEngine([wf], { store, lease: leaseMs });
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), 2);
  assert.ok(stalled);
  // Attempt 1 was started (committed) but its body never ran: the lease had
  // ended by the time its start's commit was answered. The run was claimed
  // again and the step ran as attempt 2.
  assert.deepEqual(bodies, [2]);
  const started = (await inner.getHistory(run.id)).filter((e) => e.type === "step.started" && e.name === "second");
  assert.deepEqual(
    started.map((e) => e.attempt),
    [1, 2],
  );
  await inner.close();
});

test("a run whose write the store refuses is tried again after a wait that doubles each time, then completes", async () => {
  const inner = openStore(tempStore());
  let refusals = 4;
  // The store as a worker sees it: the first four writes of the step's
  // outcome fail (a disk error, say), the fifth goes through.
  const store = wrapStore(inner, {
    async appendHistory(lease, write) {
      if (refusals > 0 && write.events.some((e) => e.type === "step.completed")) {
        refusals--;
        throw new Error("disk I/O error");
      }
      return inner.appendHistory(lease, write);
    },
  });
  let bodies = 0;
  const wf = defineWorkflow("refused-write", async (ctx) => ctx.step("s", () => ++bodies));
  const waits: string[] = [];
  const logger = {
    warn: (message: string) => {
      const wait = /stopped on an error \((\d+) in a row\); .* again in (\d+) ms/.exec(message);
      if (wait) waits.push(`${wait[1]}: ${wait[2]} ms`);
    },
  };
  // A lease of 300 ms is renewed every 100 ms: without the wait, the run would be tried at each renewal.
  await using engine = await startEngine([wf], { store, lease: 300, logger });
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), 5, "the run completed at its fifth try, once the store took its writes");
  assert.deepEqual(
    waits,
    ["1: 100 ms", "2: 200 ms", "3: 400 ms", "4: 800 ms"],
    "the first wait is a third of the lease, and each doubles the one before",
  );
  const held = await inner.getRun(run.id);
  assert.equal(held?.status, "completed");
});
